import { loadJson } from "../json/load-json.ts";
import type { Manifest } from "../manifest.types.ts";
import { isPluginName, versionsDir } from "./layout.ts";
import type { RegistrySource } from "./source.types.ts";

/**
 * `names` and every plugin any of their manifests names as a dependency, transitively: what a
 * partial load (`loadRegistry`'s `only`) must hold for each of them to be judged as in a load of
 * the whole registry (every dependency resolved, every cycle through them found). Manifests are
 * only parsed here (loadJson, bounded); the load judges them.
 */
export async function dependencyClosure(source: RegistrySource, names: readonly string[]): Promise<string[]> {
  const scope = new Set(names);
  let frontier = [...scope].filter(isPluginName);
  while (frontier.length > 0) {
    const found = await Promise.all(frontier.map((name) => dependenciesOf(source, name)));
    frontier = [];
    for (const name of found.flat())
      if (!scope.has(name)) {
        scope.add(name);
        frontier.push(name);
      }
  }
  return [...scope];
}

/** The plugin names the manifests of `name` depend on (in any version). */
async function dependenciesOf(source: RegistrySource, name: string): Promise<string[]> {
  const dir = versionsDir(name);
  const files = (await source.list(dir)).filter((f) => f.endsWith(".json") && !f.endsWith(".sigstore.json"));
  const names = await Promise.all(
    files.map(async (f) => {
      const file = `${dir}/${f}`;
      const bytes = await source.readFile(file);
      const deps = bytes
        ? (loadJson(bytes, { file }).value as Partial<Manifest> | undefined)?.requirements?.dependencies
        : undefined;
      return Array.isArray(deps)
        ? deps
            .map((d: unknown) => (d as { name?: unknown } | null)?.name)
            .filter((n): n is string => typeof n === "string" && isPluginName(n))
        : [];
    }),
  );
  return names.flat();
}

/**
 * `source` without the files at `paths` (registry-relative): they read as missing and are not
 * listed. What a registry is without some files, to tell what those files cause.
 */
export function withoutFiles(source: RegistrySource, paths: Iterable<string>): RegistrySource {
  const hidden = new Set(paths);
  const child = (dir: string, name: string) => (dir === "" || dir === "." ? name : `${dir}/${name}`);
  const entries = async (dir: string) =>
    (await source.entries(dir))?.filter((e) => !hidden.has(child(dir, e.name)));
  return {
    root: source.root,
    ...(source.commit !== undefined ? { commit: source.commit } : {}),
    readFile: (path, stamped) =>
      hidden.has(path) ? Promise.resolve(undefined) : source.readFile(path, stamped),
    list: async (dir) => ((await entries(dir)) ?? []).map((e) => e.name),
    entries,
    kind: (path) => (hidden.has(path) ? Promise.resolve(undefined) : source.kind(path)),
  };
}
