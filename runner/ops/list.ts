import type { Finding } from "../../core/findings.types.ts";
import type { Manifest } from "../../core/manifest.types.ts";
import { filterMatcher, matchesFilter, type Searchable, searchable } from "../../core/text/search-filter.ts";
import { latestVersion } from "../../core/versions/pick.ts";
import type { RunnerContext } from "../context.ts";
import { RunnerError } from "../errors.ts";
import { loadInstalledPlugins } from "../install/finfocus-config-fs.ts";
import { scanPluginFolders } from "../install/finfocus-layout.ts";
import { layoutFor } from "../install/layout.ts";
import { recoverAll } from "../install/place.ts";
import { readStateSnapshot, type StateSnapshot } from "../install/state.ts";
import type { InstalledPlugin } from "../install/state.types.ts";
import type { PluginListing, PluginVersions } from "../source/source.types.ts";
import { assertName } from "./plugin-name.ts";

/** The spec's ListInstalledPlugins: copies the caller may change. */
export async function listInstalled(pluginDir: string, filter = ""): Promise<InstalledPlugin[]> {
  return (await listInstalledView(pluginDir, filter)).map((p) => structuredClone(p) as InstalledPlugin);
}

/** `listInstalled` for readers that change nothing (the daemon): the snapshot's frozen entries. */
export async function listInstalledView(pluginDir: string, filter = ""): Promise<ReadonlyInstalled[]> {
  const layout = layoutFor(pluginDir);
  await recoverAll(layout);
  const state = await readStateSnapshot(layout);
  const matches = filterMatcher(filter);
  return byName(state)
    .filter(({ search }) => matches(search))
    .map(({ plugin }) => plugin);
}

/** An installed plugin as a snapshot holds it. */
export type ReadonlyInstalled = StateSnapshot["plugins"][string];

type Sorted = { plugin: ReadonlyInstalled; search: Searchable }[];
const sortedMemo = new WeakMap<StateSnapshot, Sorted>();

/** A snapshot's plugins sorted by name, ready to search: once per snapshot. */
function byName(state: StateSnapshot): Sorted {
  let sorted = sortedMemo.get(state);
  if (!sorted) {
    sorted = Object.values(state.plugins)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((plugin) => ({ plugin, search: searchable(plugin.name) }));
    sortedMemo.set(state, sorted);
  }
  return sorted;
}

/**
 * A plugin in the folder that this runner did not install: the FinFocus CLI's own installer put
 * it there (or a person did). Found the way the CLI finds plugins, plus its `installed_plugins`
 * entry in the FinFocus config when there is one.
 */
export interface ExternalPlugin {
  name: string;
  /** The version folder (`v0.0.6`), or the config's version when the folder is missing. */
  version: string;
  /** The version folder, when it exists. */
  path?: string;
  /** The executable the FinFocus CLI launches from it. */
  binary?: string;
  /** `github.com/<owner>/<repo>` from the FinFocus config, when it lists the plugin. */
  url?: string;
  /** False when the FinFocus config lists the plugin but its folder is gone. */
  on_disk: boolean;
}

/**
 * Plugins in `pluginDir` (and in the FinFocus config's `installed_plugins`) that the runner's
 * state does not know: what `finfocus plugin install` installed. Sorted by name and version.
 */
export async function listExternal(
  pluginDir: string,
  finfocusConfig?: string,
  filter = "",
  onWarning?: (message: string) => void,
): Promise<ExternalPlugin[]> {
  const state = await readStateSnapshot(layoutFor(pluginDir));
  const ours = new Set(Object.values(state.plugins).map((p) => p.path));
  // A config that cannot be read or parsed hides only its URLs: said, not silently dropped.
  const config = finfocusConfig
    ? await loadInstalledPlugins(finfocusConfig).catch((error: unknown) => {
        onWarning?.(
          `${finfocusConfig} was not read (${(error as Error).message}): plugins it lists are shown without their URLs`,
        );
        return [];
      })
    : [];
  const out: ExternalPlugin[] = [];
  for (const folder of await scanPluginFolders(pluginDir)) {
    if (ours.has(folder.path)) continue;
    const listed = config.find((c) => c.name === folder.name && c.version === folder.folder);
    out.push({
      name: folder.name,
      version: folder.folder,
      path: folder.path,
      binary: folder.binary,
      ...(listed?.url ? { url: listed.url } : {}),
      on_disk: true,
    });
  }
  for (const entry of config) {
    if (state.plugins[entry.name] || out.some((p) => p.name === entry.name)) continue;
    out.push({
      name: entry.name,
      version: entry.version,
      ...(entry.url ? { url: entry.url } : {}),
      on_disk: false,
    });
  }
  return out
    .filter((p) => matchesFilter(filter, p.name))
    .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

export interface DiscoverResult {
  plugins: PluginListing[];
  /** One per source that failed: the others still answered. */
  errors: { source: string; location: string; code: string; message: string }[];
}

/** The spec's DiscoverPlugins: searches every source; a failing source is reported, not fatal. */
export async function discover(
  context: Pick<RunnerContext, "sources" | "concurrentDiscoveries" | "search">,
  filter = "",
): Promise<DiscoverResult> {
  const result: DiscoverResult = { plugins: [], errors: [] };
  // At most `concurrent_discoveries` sources are asked at once (default: all).
  const limit = Math.max(1, context.concurrentDiscoveries ?? context.sources.length);
  const answers: PromiseSettledResult<PluginListing[]>[] = [];
  for (let i = 0; i < context.sources.length; i += limit) {
    answers.push(
      ...(await Promise.allSettled(
        context.sources.slice(i, i + limit).map((s) => s.list(filter, context.search)),
      )),
    );
  }
  const seen = new Set<string>();
  for (const [i, answer] of answers.entries()) {
    const source = context.sources[i]!;
    if (answer.status === "fulfilled") {
      for (const p of answer.value) {
        // The first source to list a name wins (sources are in priority order).
        if (seen.has(p.name)) continue;
        seen.add(p.name);
        result.plugins.push(p);
      }
      for (const problem of (await source.problems?.()) ?? [])
        result.errors.push({ source: source.kind, ...problem });
    } else {
      result.errors.push({
        source: source.kind,
        location: source.location,
        code: "DISCOVERY_SOURCE_UNREACHABLE",
        message: answer.reason instanceof Error ? answer.reason.message : String(answer.reason),
      });
    }
  }
  result.plugins.sort((a, b) => a.name.localeCompare(b.name));
  return result;
}

export interface InfoResult {
  name: string;
  source: string;
  versions: PluginVersions["versions"];
  deprecated: boolean;
  deprecation_message?: string;
  /** The manifest of the version shown (the latest, or the one asked for), when it passed the schema. */
  latest?: Manifest;
  /** What core's manifest validation says of that manifest, when it says anything. */
  findings?: Finding[];
}

/** The spec's GetPluginManifest plus the version list: what `info NAME` shows. */
export async function info(
  context: Pick<RunnerContext, "sources">,
  name: string,
  version?: string,
): Promise<InfoResult> {
  assertName(name);
  for (const source of context.sources) {
    const found = await source.versions(name);
    if (!found) continue;
    const pick = version ?? latestVersion(found.versions)?.version;
    if (version && !found.versions.some((v) => v.version === version)) {
      throw new RunnerError("PLUGIN_NOT_FOUND", `${name}@${version} does not exist`, {
        name,
        available_versions: found.versions.map((v) => v.version),
      });
    }
    const judged = pick ? await source.manifest(name, pick) : undefined;
    return {
      name,
      source: source.location,
      versions: found.versions,
      deprecated: found.deprecated,
      ...(found.deprecation_message ? { deprecation_message: found.deprecation_message } : {}),
      ...(judged?.value ? { latest: judged.value } : {}),
      ...(judged && judged.findings.length > 0 ? { findings: judged.findings } : {}),
    };
  }
  throw new RunnerError("PLUGIN_NOT_FOUND", `No source has a plugin named ${name}`, {
    name,
    available_versions: [],
  });
}
