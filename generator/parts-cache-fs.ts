/**
 * The file that remembers each plugin's parts (model.types.ts `PluginParts`) between builds, so a
 * rebuild need not parse the manifests of plugins that did not change: `<out>/.finfocus-parts`,
 * beside the build state and the verdicts. Keyed lines (core/keyed-lines.ts): one line per
 * plugin, its name, then two JSON texts separated by a tab: what the registry-wide documents need
 * of it (its summary, its registry.json entry, spec versions, dependencies, bundles) with the key
 * of its inputs (fingerprint.ts `partsKey`) and, when a publication time fell back to it, the
 * generation time; then its versions. A rebuild splits the lines and parses a plugin's first text
 * when it uses its parts, and its versions only when it needs them (a plugin whose versions cannot
 * enter the releases feed and whose documents are not rendered never has them parsed).
 * Local state, read back untrusted: a missing, unreadable, corrupt or foreign file reads as
 * empty, and parts are used only when their key matches and they list the versions validated in
 * this run; where each manifest is and its hash are taken from this run's validation, except by a
 * rebuild from a commit that did not touch the plugin (`cachedParts`, vouched for by the commit
 * record, which names this file's sha256). It never decides validation (verdicts do). Writing is
 * atomic (a temporary file renamed) and best effort; it holds only the plugins of the build that
 * wrote it.
 */
import { hash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { RegistryError } from "../core/errors.ts";
import { isObject } from "../core/json/is-object.ts";
import { keyedLinesText, readKeyedLines } from "../core/keyed-lines.ts";
import { bundleFile, versionFile } from "../core/registry/layout.ts";
import type { VersionFile } from "../core/registry.types.ts";
import { sorted } from "./json.ts";
import type { PluginParts, VersionPart } from "./model.types.ts";
import { createFile } from "./write-guard.ts";

export const PARTS_FILE = ".finfocus-parts";
/** Where versions before the parts in lines kept them (JSON): removed when the parts are written. */
const OLD_PARTS_FILE = ".finfocus-parts.json";

/** The format; a file of another format is ignored whole. */
const PARTS_FORMAT = "finfocus-registry/parts/5";

/**
 * A version's parts as stored, compact (there are as many as manifests): its version, publication
 * time, whether it is yanked (1) or not (0), and its description and author, null when they are
 * the plugin's (its latest version's, in the summary), its manifest's sha256, and whether a bundle
 * sits beside it (1) or not (0), and whether its publication time is the date of the commit that
 * added it (1) or one the model fell back to (0). A rebuild that validated the plugin checks the
 * hash and the bundle against this run's validation; a rebuild from a commit that did not touch
 * the plugin takes them from here (`cachedParts`), its file being where the layout puts it.
 */
type StoredVersion = [string, string, 0 | 1, string | null, string | null, string, 0 | 1, 0 | 1];

/** What the first text of a plugin's line holds. */
interface StoredHead {
  key: string;
  /** The generation time the parts used (a version's publication time fell back to it). */
  generatedAt?: string;
  /** The input key of its documents (`PluginParts.key`). */
  documents: string;
  summary: PluginParts["summary"];
  upstream: PluginParts["upstream"];
  specVersions: string[];
  /** `PluginParts.dependencies`, absent when empty. */
  dependencies?: string[];
}

/** One plugin's remembered parts: its line's value (the two JSON texts, tab-separated). */
export type StoredParts = string;

/** What to store of `parts` (see the module comment). */
export function storedParts(key: string, generatedAt: string | undefined, parts: PluginParts): StoredParts {
  const { summary } = parts;
  const head: StoredHead = {
    key,
    ...(generatedAt !== undefined ? { generatedAt } : {}),
    documents: parts.key,
    // In canonical key order (json.ts), so that rendering what is read back copies nothing.
    summary: sorted(summary) as PluginParts["summary"],
    upstream: sorted(parts.upstream) as PluginParts["upstream"],
    specVersions: parts.specVersions,
    ...(parts.dependencies.length > 0 ? { dependencies: parts.dependencies } : {}),
  };
  const versions: StoredVersion[] = parts.versions.map((v) => [
    v.version,
    v.published_at,
    v.yanked ? 1 : 0,
    v.description === summary.description ? null : v.description,
    v.author === summary.author ? null : v.author,
    v.manifest_sha256,
    v.bundleFile !== undefined ? 1 : 0,
    v.fromGit ? 1 : 0,
  ]);
  return `${JSON.stringify(head)}\t${JSON.stringify(versions)}`;
}

/**
 * The stored parts by plugin name, unchecked (see `usableParts`), and, when `hashed`, the sha256 of
 * the file's bytes (undefined when there is no file of this format): what a rebuild from a commit
 * checks it is the file its record names. A build of files on disk records no commit: it does not
 * hash them.
 */
export function readPartsFile(
  file: string,
  hashed = false,
): { parts: Map<string, StoredParts>; sha256?: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return { parts: new Map() };
  }
  const parts = readKeyedLines(bytes, PARTS_FORMAT);
  return parts.size > 0 && hashed ? { parts, sha256: hash("sha256", bytes) } : { parts };
}

/** The two texts of a stored value, parsed (the second only when asked); undefined when not JSON. */
function split(stored: unknown): { head: unknown; versions: () => unknown } | undefined {
  if (typeof stored !== "string") return undefined;
  const tab = stored.indexOf("\t");
  if (tab === -1) return undefined;
  try {
    const head = JSON.parse(stored.slice(0, tab)) as unknown;
    return {
      head,
      versions: () => {
        try {
          return JSON.parse(stored.slice(tab + 1)) as unknown;
        } catch {
          return undefined;
        }
      },
    };
  } catch {
    return undefined;
  }
}

const text = (v: unknown): v is string => typeof v === "string";
const textOrNull = (v: unknown): v is string | null => v === null || typeof v === "string";

/** Whether `c` is a stored head of `name` (see `StoredHead`). */
function wellFormedHead(c: unknown, name: string): c is StoredHead {
  if (!isObject(c)) return false;
  const summary = c.summary;
  return (
    text(c.key) &&
    (c.generatedAt === undefined || text(c.generatedAt)) &&
    text(c.documents) &&
    isObject(summary) &&
    summary.name === name &&
    text(summary.description) &&
    text(summary.author) &&
    text(summary.updated_at) &&
    typeof summary.version_count === "number" &&
    typeof summary.deprecated === "boolean" &&
    isObject(c.upstream) &&
    (isObject(c.upstream.entry) || isObject(c.upstream.omitted)) &&
    Array.isArray(c.specVersions) &&
    c.specVersions.every(text) &&
    (c.dependencies === undefined || (Array.isArray(c.dependencies) && c.dependencies.every(text)))
  );
}

const SHA256 = /^[0-9a-f]{64}$/;

function wellFormedVersion(v: unknown): v is StoredVersion {
  return (
    Array.isArray(v) &&
    v.length === 8 &&
    text(v[0]) &&
    text(v[1]) &&
    (v[2] === 0 || v[2] === 1) &&
    textOrNull(v[3]) &&
    textOrNull(v[4]) &&
    text(v[5]) &&
    SHA256.test(v[5]) &&
    (v[6] === 0 || v[6] === 1) &&
    (v[7] === 0 || v[7] === 1)
  );
}

/** Each stored version with its file, hash and bundle (from `files`, in the same order). */
function versionParts(
  head: StoredHead,
  stored: readonly StoredVersion[],
  files: readonly VersionFile[],
): VersionPart[] {
  return stored.map(([version, published_at, yanked, description, author, , , fromGit], i) => {
    const { file, sha256, bundleFile } = files[i] as VersionFile;
    return {
      version,
      file,
      manifest_sha256: sha256,
      ...(bundleFile !== undefined ? { bundleFile } : {}),
      published_at,
      fromGit: fromGit === 1,
      yanked: yanked === 1,
      description: description ?? head.summary.description,
      author: author ?? head.summary.author,
    };
  });
}

/** The bundles among `files`, in order. */
function bundlesOf(files: readonly VersionFile[]): PluginParts["bundles"] {
  return files.flatMap((f) =>
    f.bundleFile !== undefined ? [{ version: f.version, file: f.bundleFile }] : [],
  );
}

/**
 * `candidate`'s parts when it is well-formed, of key `key`, made for `generatedAt` if it used one,
 * and lists exactly `versions` (in order): then with their files, hashes and bundles; otherwise
 * undefined.
 */
export function usableParts(
  candidate: unknown,
  name: string,
  key: string,
  generatedAt: string,
  versions: readonly VersionFile[],
): PluginParts | undefined {
  const texts = split(candidate);
  const head = texts?.head;
  if (!texts || !wellFormedHead(head, name) || head.key !== key) return undefined;
  if (head.generatedAt !== undefined && head.generatedAt !== generatedAt) return undefined;
  const stored = texts.versions();
  const wellFormed =
    Array.isArray(stored) &&
    stored.length === versions.length &&
    stored.every((v, i) => {
      const file = versions[i];
      return (
        wellFormedVersion(v) &&
        v[0] === file?.version &&
        v[5] === file.sha256 &&
        v[6] === (file.bundleFile !== undefined ? 1 : 0)
      );
    });
  if (!wellFormed) return undefined;
  return {
    name,
    key: head.documents,
    summary: head.summary,
    upstream: head.upstream,
    specVersions: head.specVersions,
    versions: versionParts(head, stored as StoredVersion[], versions),
    dependencies: head.dependencies ?? [],
    bundles: bundlesOf(versions),
  };
}

/**
 * The parts of a plugin a rebuild from a commit neither read nor judged (build-commit.ts), from
 * what was stored alone, and the generation time they were made for if they used one. Only for
 * parts the build's own record vouches for (the file's hash matches the one the record names, and
 * git says the plugin's files did not change since); undefined when not well formed. Its versions
 * are parsed when first asked for (each file where the layout puts it, its hash and bundle as
 * stored); its bundles are found without them, as the summary's version count and latest
 * publication time are.
 */
export function cachedParts(
  name: string,
  candidate: unknown,
): { parts: PluginParts; generatedAt?: string } | undefined {
  const texts = split(candidate);
  const head = texts?.head;
  if (!texts || !wellFormedHead(head, name)) return undefined;
  // Bundles are few: a version's array ends with its bundle flag and its git flag, so ",1,0]" or
  // ",1,1]" ends a version with a bundle (a string holding them only makes the versions parsed).
  // Found from the text, without parsing the versions, when there are none.
  const stored = candidate as string;
  let versions: VersionPart[] | undefined;
  let bundles: PluginParts["bundles"] | undefined;
  const parse = (): VersionPart[] => {
    if (versions) return versions;
    const all = texts.versions();
    if (!Array.isArray(all) || all.length !== head.summary.version_count || !all.every(wellFormedVersion))
      throw new RegistryError(
        "IO_ERROR",
        `the remembered parts of ${name} are not well formed: run build --full`,
        { details: { plugin: name } },
      );
    const files = (all as StoredVersion[]).map(([version, , , , , sha256, bundle]) => ({
      version,
      file: versionFile(name, version),
      sha256,
      ...(bundle === 1 ? { bundleFile: bundleFile(name, version) } : {}),
    }));
    versions = versionParts(head, all as StoredVersion[], files);
    bundles = bundlesOf(files);
    return versions;
  };
  const parts: PluginParts = {
    name,
    key: head.documents,
    summary: head.summary,
    upstream: head.upstream,
    specVersions: head.specVersions,
    dependencies: head.dependencies ?? [],
    get versions() {
      return parse();
    },
    get bundles() {
      if (bundles) return bundles;
      if (!stored.includes(",1,0]") && !stored.includes(",1,1]")) return [];
      parse();
      return bundles ?? [];
    },
  };
  return head.generatedAt !== undefined ? { parts, generatedAt: head.generatedAt } : { parts };
}

/**
 * Replaces the stored parts (a temporary file renamed over the old one: never half-written), and
 * removes an older version's JSON file. Returns the sha256 of the bytes written, undefined when
 * they could not be.
 */
export function writeParts(file: string, plugins: Map<string, StoredParts>): string | undefined {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    const bytes = Buffer.from(
      keyedLinesText(
        PARTS_FORMAT,
        [...plugins].map(([name, parts]) => `${name}\t${parts}`),
      ),
      "utf8",
    );
    // A new file: never written through a link planted at its name (write-guard.ts).
    createFile(tmp, bytes);
    renameSync(tmp, file);
    rmSync(`${dirname(file)}/${OLD_PARTS_FILE}`, { force: true });
    return hash("sha256", bytes);
  } catch {
    rmSync(tmp, { force: true });
    return undefined;
  }
}
