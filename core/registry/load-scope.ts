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
