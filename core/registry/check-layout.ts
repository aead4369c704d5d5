import semver from "semver";
import type { Finding } from "../findings.types.ts";
import { registryVersionProblem } from "../versions/registry-version.ts";
import {
  BUNDLE_SUFFIX,
  CONFIG_FILE,
  ENTRY_FILE,
  isPluginName,
  MANIFEST_SUFFIX,
  PLUGINS_DIR,
  VERSIONS_DIR,
} from "./layout.ts";
import { segments } from "./registry-fs.ts";
import type { EntryKind, RegistrySource, SourceEntry } from "./source.types.ts";

/** What a plugin folder holds that the layout accepts. */
export interface PluginLayout {
  name: string;
  hasEntry: boolean;
  /** Versions with a manifest that is a regular file, in listing order. */
  versions: string[];
  /** Versions with a Sigstore bundle that is a regular file. */
  bundles: Set<string>;
}

/** The layout's findings and what it accepted. */
export interface RegistryLayout {
  findings: Finding[];
  plugins: PluginLayout[];
}

export interface LayoutOptions {
  /** config.json's trusted-root files (`trustedRootFiles`): the only other files the registry may hold. */
  trustedRoots?: readonly string[];
  /** Walk only these plugins (the gate: the ones a pull request touches); default all of them. */
  plugins?: readonly string[];
  /**
   * Told how many entries plugins/ holds once it is listed, before they are walked (loadRegistry
   * starts its worker threads there, so their start-up overlaps with the walk).
   */
  listed?: (plugins: number) => void;
  /** Told each plugin folder the walk accepted, as soon as it is walked (its entry can be read then). */
  walked?: (plugin: string) => void;
}

const KIND: Record<EntryKind, string> = {
  file: "a file",
  executable: "an executable file",
  symlink: "a symbolic link",
  gitlink: "a submodule (gitlink)",
  tree: "a folder",
  other: "a special file (FIFO, socket or device)",
};

const SPECIAL: Record<string, string> = {
  ".gitattributes":
    "a .gitattributes file: a checkout would convert registry files (eol, working-tree-encoding, ident, filters), so what people check out would differ from what was reviewed and published; remove it",
  ".gitmodules": "a .gitmodules file: a registry holds no submodules; remove it",
};

function finding(code: Finding["code"], file: string, message: string): Finding {
  return { code, severity: "error", message, file, pointer: "" };
}

function unexpected(file: string, name: string, why: string): Finding {
  return finding("LAYOUT_UNEXPECTED", file, SPECIAL[name] ?? why);
}

/** True when `entry` is of the kind the layout expects; else records why not. */
function expect(entry: SourceEntry, want: "file" | "tree", file: string, out: Finding[]): boolean {
  if (entry.kind === want) return true;
  const where = `${KIND[entry.kind]} where the layout expects ${want === "file" ? "a regular file" : "a folder"}`;
  if (entry.kind === "file" || entry.kind === "tree") out.push(finding("LAYOUT_UNEXPECTED", file, where));
  else
    out.push(
      finding(
        "LAYOUT_NOT_REGULAR",
        file,
        `${where}: a registry holds only regular files and folders, so nothing published can change through an indirection; replace it with the file itself`,
      ),
    );
  return false;
}

/** Names one folder may not hold twice on a case-insensitive or normalizing file system. */
function conflicts(dir: string, entries: readonly SourceEntry[], out: Finding[]): void {
  const seen = new Map<string, string>();
  for (const { name } of entries) {
    const key = (ASCII.test(name) ? name : name.normalize("NFC")).toLowerCase();
    const other = seen.get(key);
    if (other === undefined) seen.set(key, name);
    else
      out.push(
        finding(
          "LAYOUT_CASE_CONFLICT",
          join(dir, name),
          `'${name}' and '${other}' differ only in case or Unicode normalization: a case-insensitive checkout keeps one of them; keep one`,
        ),
      );
  }
}

const ASCII = /^[\u0020-\u007e]*$/;

/** Plugin folders walked at once. */
const WALK_WINDOW = 256;

const join = (dir: string, name: string): string => (dir === "" ? name : `${dir}/${name}`);

/**
 * The one judge of a registry's layout (docs/registry-format.md): `config.json`, `plugins/<name>/`
 * holding `entry.json` and `versions/` with `<version>.json` manifests and
 * `<version>.sigstore.json` bundles, and the trusted root config.json names. Every other entry is
 * a finding with its file: a symbolic link, submodule, executable or special file
 * (LAYOUT_NOT_REGULAR), a stray file or folder, a folder named like a file, `.gitattributes`,
 * `.gitmodules` (LAYOUT_UNEXPECTED), a version that is not canonical SemVer without build
 * metadata (INVALID_VERSION), names that collide on case-insensitive file systems
 * (LAYOUT_CASE_CONFLICT). Loaders read only what it accepts.
 */
export async function checkLayout(
  source: RegistrySource,
  options: LayoutOptions = {},
): Promise<RegistryLayout> {
  const findings: Finding[] = [];
  const root = await source.entries("");
  if (!root) {
    findings.push(
      finding(
        "LAYOUT_NOT_REGULAR",
        "",
        "the registry folder is missing or is not a folder (a symbolic link, a submodule or a file)",
      ),
    );
    return { findings, plugins: [] };
  }
  const trusted = (options.trustedRoots ?? [])
    .map((f) => segments(f))
    .filter((p): p is string[] => p !== undefined && p.length > 0);
  conflicts("", root, findings);
  let pluginEntries: SourceEntry[] = [];
  for (const entry of root) {
    if (entry.name === CONFIG_FILE) expect(entry, "file", CONFIG_FILE, findings);
    else if (entry.name === PLUGINS_DIR) {
      if (expect(entry, "tree", PLUGINS_DIR, findings)) {
        pluginEntries = await pluginsToWalk(source, options.plugins);
        options.listed?.(pluginEntries.length);
      }
    } else if (trusted.some((p) => p[0] === entry.name))
      await walkTrustedRoots(
        source,
        entry,
        0,
        trusted.filter((p) => p[0] === entry.name),
        findings,
      );
    else findings.push(unexpected(entry.name, entry.name, "not part of the registry layout; remove it"));
  }
  // Only exact duplicates over plugins/: plugin names are lowercase ASCII, so two of them never
  // fold together; a name that could (`Foo`) is refused as not a plugin name already.
  const seen = new Set<string>();
  for (const { name } of pluginEntries) {
    if (seen.has(name))
      findings.push(finding("LAYOUT_CASE_CONFLICT", join(PLUGINS_DIR, name), `'${name}' is listed twice`));
    seen.add(name);
  }
  const walkOne = async (entry: SourceEntry): Promise<PluginLayout | undefined> => {
    const file = join(PLUGINS_DIR, entry.name);
    if (!isPluginName(entry.name)) {
      findings.push(
        unexpected(file, entry.name, "not a plugin name: 2 to 50 lowercase letters, digits and '-'"),
      );
      return undefined;
    }
    if (!expect(entry, "tree", file, findings)) return undefined;
    const plugin = await walkPlugin(source, entry.name, findings);
    options.walked?.(plugin.name);
    return plugin;
  };
  // A window of plugins at a time: a source that answers asynchronously (git's objects) has many
  // requests in flight, and plugins are done (`walked`) as the walk goes, not all at its end.
  const plugins: (PluginLayout | undefined)[] = [];
  for (let i = 0; i < pluginEntries.length; i += WALK_WINDOW)
    plugins.push(...(await Promise.all(pluginEntries.slice(i, i + WALK_WINDOW).map(walkOne))));
  return { findings, plugins: plugins.filter((p) => p !== undefined) };
}

/**
 * The entries of plugins/ to judge: all of them, or (the gate) only the named ones, each looked
 * up alone so a pull request's cost does not grow with the registry.
 */
async function pluginsToWalk(
  source: RegistrySource,
  names: readonly string[] | undefined,
): Promise<SourceEntry[]> {
  if (!names) return (await source.entries(PLUGINS_DIR)) ?? [];
  const found = await Promise.all(
    [...new Set(names)].map(async (name): Promise<SourceEntry | undefined> => {
      // A name that cannot be a plugin's is refused as such, whether or not it can be looked up (a
      // backslash, a name that is not UTF-8 and was decoded with U+FFFD): never skipped as absent.
      if (!isPluginName(name)) return { name, kind: "other" };
      const kind = await source.kind(join(PLUGINS_DIR, name));
      return kind ? { name, kind } : undefined;
    }),
  );
  return found.filter((e) => e !== undefined).sort((a, b) => (a.name < b.name ? -1 : 1));
}

/**
 * Walks the paths of the trusted-root files that start with `entry` (all share its first `depth`+1
 * segments): each must be a regular file, the folders on the way real folders, and nothing else
 * may sit beside them.
 */
async function walkTrustedRoots(
  source: RegistrySource,
  entry: SourceEntry,
  depth: number,
  paths: readonly (readonly string[])[],
  findings: Finding[],
): Promise<void> {
  const file = paths[0]!.slice(0, depth + 1).join("/");
  if (paths.some((p) => p.length === depth + 1)) {
    expect(entry, "file", file, findings);
    return;
  }
  if (!expect(entry, "tree", file, findings)) return;
  for (const e of (await source.entries(file)) ?? []) {
    const next = paths.filter((p) => p[depth + 1] === e.name);
    if (next.length > 0) await walkTrustedRoots(source, e, depth + 1, next, findings);
    else findings.push(unexpected(join(file, e.name), e.name, "not part of the registry layout; remove it"));
  }
}

async function walkPlugin(source: RegistrySource, name: string, findings: Finding[]): Promise<PluginLayout> {
  const dir = join(PLUGINS_DIR, name);
  const plugin: PluginLayout = { name, hasEntry: false, versions: [], bundles: new Set() };
  const entries = (await source.entries(dir)) ?? [];
  conflicts(dir, entries, findings);
  for (const entry of entries) {
    const file = join(dir, entry.name);
    if (entry.name === ENTRY_FILE) plugin.hasEntry = expect(entry, "file", file, findings);
    else if (entry.name === VERSIONS_DIR) {
      if (expect(entry, "tree", file, findings)) await walkVersions(source, file, plugin, findings);
    } else
      findings.push(
        unexpected(file, entry.name, "a plugin folder holds only entry.json and versions/; remove it"),
      );
  }
  return plugin;
}

async function walkVersions(
  source: RegistrySource,
  dir: string,
  plugin: PluginLayout,
  findings: Finding[],
): Promise<void> {
  const entries = (await source.entries(dir)) ?? [];
  conflicts(dir, entries, findings);
  for (const entry of entries) {
    const file = join(dir, entry.name);
    const bundle = entry.name.endsWith(BUNDLE_SUFFIX);
    const suffix = bundle ? BUNDLE_SUFFIX : MANIFEST_SUFFIX;
    const version = entry.name.endsWith(suffix) ? entry.name.slice(0, -suffix.length) : undefined;
    const problem = version === undefined ? "" : registryVersionProblem(version);
    if (version === undefined || (problem && semver.parse(version) === null)) {
      findings.push(
        unexpected(
          file,
          entry.name,
          "only <version>.json manifests and <version>.sigstore.json bundles belong in versions/; remove it",
        ),
      );
      continue;
    }
    if (problem) {
      findings.push(finding("INVALID_VERSION", file, `${problem}`));
      continue;
    }
    if (!expect(entry, "file", file, findings)) continue;
    if (bundle) plugin.bundles.add(version);
    else plugin.versions.push(version);
  }
}
