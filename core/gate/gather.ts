import semver from "semver";
import { classifyChangedPath, registryFile, touchedPlugins } from "../governance/classify.ts";
import type {
  FileChange,
  GovernanceContext,
  PluginChange,
  VersionView,
} from "../governance/governance.types.ts";
import { loadJson } from "../json/load-json.ts";
import type { Manifest } from "../manifest.types.ts";
import type { LayoutOptions } from "../registry/check-layout.ts";
import { isPluginName, trustedRootFiles } from "../registry/layout.ts";
import type { RegistrySource } from "../registry/source.types.ts";
import type { Entry, RegistryConfig } from "../registry.types.ts";

/** A version the PR adds, with what verifying its artifact needs. */
export interface NewVersion {
  plugin: string;
  version: string;
  /** Registry-relative manifest path. */
  file: string;
  manifest?: Manifest;
  /** Registry-relative bundle path, when the PR adds one beside the manifest. */
  bundleFile?: string;
  /** Signer pins: the base entry.json, or the PR's for a new plugin (its author pins them first). */
  entry?: Entry;
}

/** Everything the gate reads from the two commits, before any rule runs. */
export interface Gathered {
  ctx: GovernanceContext;
  /** The base commit's config.json (governance data is never read from the PR). */
  config?: RegistryConfig;
  /** The head's config.json as far as it parses: only to know which trusted root the layout allows. */
  headConfig?: Partial<RegistryConfig>;
  newVersions: NewVersion[];
}

async function json<T>(source: RegistrySource, file: string): Promise<T | undefined> {
  const bytes = await source.readFile(file);
  if (!bytes) return undefined;
  const value = loadJson(bytes, { file }).value;
  return value && typeof value === "object" && !Array.isArray(value) ? (value as T) : undefined;
}

function manifestVersions(files: readonly string[]): string[] {
  return files
    .filter((f) => f.endsWith(".json") && !f.endsWith(".sigstore.json"))
    .map((f) => f.slice(0, -".json".length))
    .filter((v) => semver.valid(v) !== null);
}

async function pluginChange(
  name: string,
  changes: readonly FileChange[],
  base: RegistrySource,
  head: RegistrySource,
  registryPath: string,
): Promise<{ plugin: PluginChange; newVersions: NewVersion[] }> {
  const entryRel = `plugins/${name}/entry.json`;
  const versionsRel = `plugins/${name}/versions`;
  const [baseEntry, headEntry, baseFiles, headFiles] = await Promise.all([
    json<Entry>(base, entryRel),
    json<Entry>(head, entryRel),
    base.list(versionsRel),
    head.list(versionsRel),
  ]);
  const added = changes.filter((c) => {
    const kind = classifyChangedPath(registryPath, c.path);
    return c.status === "added" && kind.kind === "version" && kind.plugin === name;
  });
  const baseVersions = manifestVersions(baseFiles).sort(semver.compare);
  const addedVersions: VersionView[] = [];
  const previousVersions: (VersionView | undefined)[] = [];
  const newVersions: NewVersion[] = [];
  for (const change of added) {
    const kind = classifyChangedPath(registryPath, change.path);
    if (kind.kind !== "version") continue;
    const file = `${versionsRel}/${kind.version}.json`;
    const manifest = await json<Manifest>(head, file);
    const hasBundle = headFiles.includes(`${kind.version}.sigstore.json`);
    addedVersions.push({
      version: kind.version,
      file: change.path,
      hasBundle,
      ...(manifest ? { manifest } : {}),
    });
    const below = semver.valid(kind.version) ? baseVersions.filter((v) => semver.lt(v, kind.version)) : [];
    const prev = below.at(-1);
    if (prev) {
      const prevManifest = await json<Manifest>(base, `${versionsRel}/${prev}.json`);
      previousVersions.push({
        version: prev,
        file: registryFile(registryPath, `${versionsRel}/${prev}.json`),
        hasBundle: baseFiles.includes(`${prev}.sigstore.json`),
        ...(prevManifest ? { manifest: prevManifest } : {}),
      });
    } else {
      previousVersions.push(undefined);
    }
    const pins = baseEntry ?? headEntry;
    newVersions.push({
      plugin: name,
      version: kind.version,
      file,
      ...(manifest ? { manifest } : {}),
      ...(hasBundle ? { bundleFile: `${versionsRel}/${kind.version}.sigstore.json` } : {}),
      ...(pins ? { entry: pins } : {}),
    });
  }
  const entryFile = registryFile(registryPath, entryRel);
  const plugin: PluginChange = {
    name,
    entryFile,
    entryChanged: changes.some((c) => c.path === entryFile),
    addedVersions,
    previousVersions,
    baseVersions,
    headVersions: manifestVersions(headFiles).sort(semver.compare),
    ...(baseEntry ? { baseEntry } : {}),
    ...(headEntry ? { headEntry } : {}),
  };
  return { plugin, newVersions };
}

/**
 * Reads what the governance rules and artifact checks need, and nothing more: the base config,
 * the touched plugins' entries and version listings (base and head), the new manifests, the
 * previous version of each, and the base list of plugin names.
 */
export async function gather(
  registryPath: string,
  author: { id: number; login: string },
  changes: FileChange[],
  base: RegistrySource,
  head: RegistrySource,
): Promise<Gathered> {
  const [config, headConfig] = await Promise.all([
    json<RegistryConfig>(base, "config.json"),
    json<Partial<RegistryConfig>>(head, "config.json"),
  ]);
  const names = touchedPlugins(registryPath, changes);
  const results = await Promise.all(
    names.map((name) => pluginChange(name, changes, base, head, registryPath)),
  );
  // The list of names is only needed to vet new names (collisions): a PR that only adds versions
  // never reads it, so its cost does not grow with the registry.
  const baseNames = results.some((r) => !r.plugin.baseEntry) ? await base.list("plugins") : [];
  return {
    ctx: {
      registryPath,
      author,
      maintainers: Array.isArray(config?.maintainers) ? config.maintainers : [],
      changes,
      plugins: results.map((r) => r.plugin),
      baseNames,
    },
    ...(config ? { config } : {}),
    ...(headConfig ? { headConfig } : {}),
    newVersions: results.flatMap((r) => r.newVersions),
  };
}

/**
 * What of the head's layout a PR is judged on: the registry root (always; it is one listing) and
 * every plugin folder a changed path lies in, including a path that is the plugin folder itself
 * (a folder replaced by a symbolic link or a submodule).
 */
export function layoutScope(
  registryPath: string,
  changes: readonly FileChange[],
  headConfig: Partial<RegistryConfig> | undefined,
): LayoutOptions {
  const prefix = registryPath === "." || registryPath === "" ? "plugins/" : `${registryPath}/plugins/`;
  const plugins = new Set<string>();
  for (const change of changes) {
    if (!change.path.startsWith(prefix)) continue;
    const name = change.path.slice(prefix.length).split("/")[0] as string;
    // A folder that cannot be a plugin's is judged (and refused) unless the change only removes it.
    if (change.status === "deleted" && !isPluginName(name)) continue;
    plugins.add(name);
  }
  return { plugins: [...plugins], trustedRoots: trustedRootFiles(headConfig) };
}
