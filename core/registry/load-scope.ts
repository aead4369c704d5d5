import semver from "semver";
import { classifyChangedPath } from "../governance/classify.ts";
import type { FileChange } from "../governance/governance.types.ts";
import { loadJson } from "../json/load-json.ts";
import type { Manifest } from "../manifest.types.ts";
import type { Entry } from "../registry.types.ts";
import { entryFile, isPluginName, versionsDir } from "./layout.ts";
import type { RegistrySource } from "./source.types.ts";

/** What a change does to one plugin's published versions: its entry and versions before and after. */
export interface VersionsChange {
  baseEntry?: Entry;
  headEntry?: Entry;
  /** Versions with a manifest before the change. */
  baseVersions: readonly string[];
  /** Versions with a manifest after it. */
  headVersions: readonly string[];
}

/**
 * True when a plugin offers its dependents less after a change than before: a published version
 * gone or newly yanked, or its entry gone (a dependent's manifest may resolve to nothing then).
 * Adding versions or plugins never makes another plugin's manifest invalid; this can.
 */
export function losesVersions(plugin: VersionsChange): boolean {
  if (plugin.baseEntry && !plugin.headEntry) return true;
  const head = new Set(plugin.headVersions);
  const baseYanked = plugin.baseEntry?.yanked ?? {};
  const headYanked = plugin.headEntry?.yanked ?? {};
  return plugin.baseVersions.some(
    (v) => !head.has(v) || (!Object.hasOwn(baseYanked, v) && Object.hasOwn(headYanked, v)),
  );
}

/** A plugin's entry (as far as it parses) and the versions it has a manifest for, in `source`. */
async function versionsIn(
  source: RegistrySource,
  name: string,
): Promise<{ entry?: Entry; versions: string[] }> {
  const [bytes, files] = await Promise.all([
    source.readFile(entryFile(name)),
    source.list(versionsDir(name)),
  ]);
  const value = bytes ? loadJson(bytes, { file: entryFile(name) }).value : undefined;
  const versions = files
    .filter((f) => f.endsWith(".json") && !f.endsWith(".sigstore.json"))
    .map((f) => f.slice(0, -".json".length))
    .filter((v) => semver.valid(v) !== null);
  return value && typeof value === "object" && !Array.isArray(value)
    ? { entry: value as Entry, versions }
    : { versions };
}

/**
 * The plugins whose verdict, findings or published documents a change between two commits of a
 * registry can alter, for a rebuild that judges only them and keeps the rest as the build of
 * `base` left it; undefined when that may be any plugin (judge the whole registry). It is the
 * whole registry when the change touches anything outside `plugins/` (config.json, a trusted
 * root, a stray file) or a touched plugin loses a version (`losesVersions`). Otherwise it is the
 * touched plugins and `also` (the caller's own reasons, such as a file whose publication date
 * changed), the plugins that depend on any of them (`dependentsOf`, as the base's build knew
 * them: a dependency's findings, such as an optional one now found, change with its versions), and
 * every plugin those depend on, transitively (`dependencyClosure`: what a partial load needs to
 * judge them as a whole load would). `registryPath` is the registry's folder in the repository,
 * the changes' paths being repository-relative.
 */
export async function rebuildScope(
  registryPath: string,
  changes: readonly FileChange[],
  base: RegistrySource,
  head: RegistrySource,
  dependentsOf: (names: readonly string[]) => string[],
  also: readonly string[] = [],
): Promise<string[] | undefined> {
  const touched = new Set<string>();
  for (const change of changes) {
    const kind = classifyChangedPath(registryPath, change.path);
    if (kind.kind === "outside" || !isPluginName(kind.plugin)) return undefined;
    touched.add(kind.plugin);
  }
  for (const name of touched) {
    const [before, after] = await Promise.all([versionsIn(base, name), versionsIn(head, name)]);
    const change: VersionsChange = {
      baseVersions: before.versions,
      headVersions: after.versions,
      ...(before.entry ? { baseEntry: before.entry } : {}),
      ...(after.entry ? { headEntry: after.entry } : {}),
    };
    if (losesVersions(change)) return undefined;
  }
  const seeds = new Set([...touched, ...also.filter(isPluginName)]);
  for (const name of dependentsOf([...seeds])) seeds.add(name);
  return seeds.size === 0 ? [] : dependencyClosure(head, [...seeds]);
}

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
