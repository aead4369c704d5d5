/**
 * The file that remembers each plugin's parts (model.types.ts `PluginParts`) between builds, so a
 * rebuild need not parse the manifests of plugins that did not change: `<out>/.finfocus-parts`,
 * beside the build state and the verdicts. Two sections, so that a rebuild reads only what it uses:
 *
 * - the index: a first line naming the format and the index's length in bytes, then one line per
 *   plugin: its name, a short JSON text of what the registry-wide assembly needs of every plugin
 *   (the key of its inputs, fingerprint.ts `partsKey`, and of its documents, its newest
 *   publication time and version count, spec versions, dependencies, the versions with a bundle,
 *   why registry.json leaves it out, and the generation time when a publication time fell back to
 *   it), and where its detail lies in the second section: offset, length and sha256;
 * - the details: one line per plugin, a JSON text of its summary, its registry.json entry and its
 *   versions.
 *
 * A rebuild from a commit reads the index alone (its sha256 is what the commit record names) and a
 * plugin's detail only when it needs it (to render a list whole, its documents, or when its newest
 * version could enter the releases feed), checked against the sha256 the index gives it: a detail
 * that is not is damaged (`DamagedParts`), never used. A build that judges the whole registry
 * reads the file whole.
 * Local state, read back untrusted: a missing, unreadable, corrupt or foreign file reads as
 * empty, and parts are used only when their key matches and they list the versions validated in
 * this run; where each manifest is and its hash are taken from this run's validation, except by a
 * rebuild from a commit that did not touch the plugin (`cachedParts`, vouched for by the commit
 * record, which names the index's sha256). It never decides validation (verdicts do). Writing is
 * atomic (a temporary file renamed) and best effort; it holds only the plugins of the build that
 * wrote it.
 */
import { hash } from "node:crypto";
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
} from "node:fs";
import { dirname } from "node:path";
import type { PluginSummary } from "../core/api/api.types.ts";
import { RegistryError } from "../core/errors.ts";
import { isObject } from "../core/json/is-object.ts";
import { breaksLine } from "../core/keyed-lines.ts";
import { bundleFile, versionFile } from "../core/registry/layout.ts";
import type { VersionFile } from "../core/registry.types.ts";
import { listDigest } from "./fingerprint.ts";
import { sorted } from "./json.ts";
import type { OmittedPlugin, PluginParts, VersionPart } from "./model.types.ts";
import { createFile } from "./write-guard.ts";

export const PARTS_FILE = ".finfocus-parts";
/** Where versions before the parts in lines kept them (JSON): removed when the parts are written. */
const OLD_PARTS_FILE = ".finfocus-parts.json";

/** The format; a file of another format is ignored whole. */
const PARTS_FORMAT = "finfocus-registry/parts/6";

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

/** What the index holds of a plugin (parsed for every plugin a rebuild takes from its parts). */
interface StoredHead {
  key: string;
  /** The generation time the parts used (a version's publication time fell back to it). */
  generatedAt?: string;
  /** The input key of its documents (`PluginParts.key`). */
  documents: string;
  updatedAt: string;
  versionCount: number;
  specVersions: string[];
  /** `PluginParts.dependencies`, absent when empty. */
  dependencies?: string[];
  /** The versions with a bundle beside their manifest, in order; absent when none. */
  bundles?: string[];
  /** Why registry.json leaves it out, if it does. */
  omitted?: string;
  /** `PluginParts.entryDigest` (absent when registry.json leaves it out). */
  entryDigest?: string;
}

/** What a plugin's detail holds (read only when needed). */
interface StoredDetail {
  summary: PluginSummary;
  upstream: PluginParts["upstream"];
  versions: StoredVersion[];
}

/**
 * One plugin's remembered parts: its head's JSON text and its detail's, separated by a tab (what
 * the commit record's overlay keeps; the file puts them in its two sections).
 */
export type StoredParts = string;

/** What to store of `parts` (see the module comment). */
export function storedParts(key: string, generatedAt: string | undefined, parts: PluginParts): StoredParts {
  const { summary } = parts;
  const bundles = parts.versions.flatMap((v) => (v.bundleFile !== undefined ? [v.version] : []));
  const head: StoredHead = {
    key,
    ...(generatedAt !== undefined ? { generatedAt } : {}),
    documents: parts.key,
    updatedAt: parts.updatedAt,
    versionCount: parts.versionCount,
    specVersions: parts.specVersions,
    ...(parts.dependencies.length > 0 ? { dependencies: parts.dependencies } : {}),
    ...(bundles.length > 0 ? { bundles } : {}),
    ...(parts.omitted !== undefined ? { omitted: parts.omitted.reason } : {}),
    ...(parts.entryDigest !== undefined ? { entryDigest: parts.entryDigest } : {}),
  };
  const detail: StoredDetail = {
    // In canonical key order (json.ts), so that rendering what is read back copies nothing.
    summary: sorted(summary) as PluginSummary,
    upstream: sorted(parts.upstream) as PluginParts["upstream"],
    versions: parts.versions.map((v) => [
      v.version,
      v.published_at,
      v.yanked ? 1 : 0,
      v.description === summary.description ? null : v.description,
      v.author === summary.author ? null : v.author,
      v.manifest_sha256,
      v.bundleFile !== undefined ? 1 : 0,
      v.fromGit ? 1 : 0,
    ]),
  };
  return `${JSON.stringify(head)}\t${JSON.stringify(detail)}`;
}

/** A stored value's head and detail texts; undefined when it is not two texts. */
function split(stored: unknown): { head: string; detail: string } | undefined {
  if (typeof stored !== "string") return undefined;
  const tab = stored.indexOf("\t");
  if (tab === -1) return undefined;
  return { head: stored.slice(0, tab), detail: stored.slice(tab + 1) };
}

const SHA256 = /^[0-9a-f]{64}$/;
const COUNT = /^(?:0|[1-9][0-9]{0,14})$/;

/** The format line: the format, a tab, the index's length in bytes (its lines, the format line's not included). */
function formatLine(bytes: Buffer): { index: number; start: number } | undefined {
  const end = bytes.indexOf(10);
  if (end === -1) return undefined;
  const [format, length] = bytes.toString("latin1", 0, end).split("\t");
  if (format !== PARTS_FORMAT || length === undefined || !COUNT.test(length)) return undefined;
  return { start: end + 1, index: Number(length) };
}

/** One index line: a plugin's name, head, and its detail's offset, length and sha256. */
interface IndexLine {
  head: string;
  offset: number;
  length: number;
  sha256: string;
}

/** The lines of an index's bytes, by name (the last line of a name wins); undefined when one is not well formed. */
function indexLines(bytes: Buffer, start: number, end: number): Map<string, IndexLine> | undefined {
  const lines = new Map<string, IndexLine>();
  for (let at = start; at < end; ) {
    const eol = bytes.indexOf(10, at);
    if (eol === -1 || eol >= end) return undefined;
    const fields = bytes.toString("utf8", at, eol).split("\t");
    if (fields.length !== 5) return undefined;
    const [name, head, offset, length, sha256] = fields as [string, string, string, string, string];
    if (name === "" || !COUNT.test(offset) || !COUNT.test(length) || !SHA256.test(sha256)) return undefined;
    lines.set(name, { head, offset: Number(offset), length: Number(length), sha256 });
    at = eol + 1;
  }
  return lines;
}

/** A detail read back, if it is the one its index line names. */
function checkedDetail(bytes: Buffer, line: IndexLine): string | undefined {
  if (bytes.length !== line.length || hash("sha256", bytes) !== line.sha256) return undefined;
  return bytes.toString("utf8");
}

/**
 * The stored parts by plugin name, unchecked (see `usableParts`), read whole (a build that judges
 * the whole registry uses every plugin's), and, when `hashed`, the sha256 of the file's index
 * (undefined when there is no file of this format): what a commit record names. A build of files
 * on disk records no commit: it does not hash it. A plugin whose detail is not the one its index
 * line names is left out.
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
  const first = formatLine(bytes);
  if (!first || first.start + first.index > bytes.length) return { parts: new Map() };
  const details = first.start + first.index;
  const lines = indexLines(bytes, first.start, details);
  if (!lines) return { parts: new Map() };
  const parts = new Map<string, StoredParts>();
  for (const [name, line] of lines) {
    const at = details + line.offset;
    if (at + line.length > bytes.length) continue;
    const detail = checkedDetail(bytes.subarray(at, at + line.length), line);
    if (detail !== undefined) parts.set(name, `${line.head}\t${detail}`);
  }
  return parts.size > 0 && hashed ? { parts, sha256: hash("sha256", bytes.subarray(0, details)) } : { parts };
}

/**
 * The index of a parts file (see the module comment), read without the details: what a rebuild
 * from a commit reads of every plugin. Details are read when asked for, each checked against its
 * sha256.
 */
export class PartsIndex {
  readonly #file: string;
  readonly #lines: Map<string, IndexLine>;
  /** Where the details start in the file. */
  readonly #details: number;
  /** The sha256 of the format line and the index: what a commit record names. */
  readonly sha256: string;

  private constructor(file: string, lines: Map<string, IndexLine>, details: number, sha256: string) {
    this.#file = file;
    this.#lines = lines;
    this.#details = details;
    this.sha256 = sha256;
  }

  /** The index of `file`; undefined when there is none of this format, or it is not well formed. */
  static read(file: string): PartsIndex | undefined {
    let fd: number | undefined;
    try {
      fd = openSync(file, "r");
      const { size } = fstatSync(fd);
      // The format line first (short), then the index it announces (within the file).
      const head = Buffer.allocUnsafe(PARTS_FORMAT.length + 18);
      const got = readSync(fd, head, 0, head.length, 0);
      const first = formatLine(head.subarray(0, got));
      if (!first || first.start + first.index > size) return undefined;
      const bytes = Buffer.allocUnsafe(first.start + first.index);
      if (readSync(fd, bytes, 0, bytes.length, 0) !== bytes.length) return undefined;
      const lines = indexLines(bytes, first.start, bytes.length);
      if (!lines || lines.size === 0) return undefined;
      for (const line of lines.values())
        if (bytes.length + line.offset + line.length > size) return undefined;
      return new PartsIndex(file, lines, bytes.length, hash("sha256", bytes));
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /** The plugins it names, in the order written. */
  names(): IterableIterator<string> {
    return this.#lines.keys();
  }

  /** `name`'s head (JSON text), if it is named. */
  head(name: string): string | undefined {
    return this.#lines.get(name)?.head;
  }

  /** `name`'s detail (JSON text), read now; undefined when it cannot be read or is not the one named. */
  detail(name: string): string | undefined {
    const line = this.#lines.get(name);
    if (line === undefined) return undefined;
    let fd: number | undefined;
    try {
      fd = openSync(this.#file, "r");
      const bytes = Buffer.allocUnsafe(line.length);
      const got = readSync(fd, bytes, 0, line.length, this.#details + line.offset);
      return got === line.length ? checkedDetail(bytes, line) : undefined;
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /**
   * Every plugin's stored parts, the details read in one pass; undefined when one cannot be read
   * or is not the one named (what rewriting the file needs).
   */
  all(): Map<string, StoredParts> | undefined {
    const read = readPartsFile(this.#file, true);
    if (read.sha256 !== this.sha256 || read.parts.size !== this.#lines.size) return undefined;
    return read.parts;
  }
}

const text = (v: unknown): v is string => typeof v === "string";
const textOrNull = (v: unknown): v is string | null => v === null || typeof v === "string";
const texts = (v: unknown): v is string[] => Array.isArray(v) && v.every(text);

/** `text` parsed as JSON; undefined when it is not. */
function parsed(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

/** Whether `c` is a stored head (see `StoredHead`). */
function wellFormedHead(c: unknown): c is StoredHead {
  return (
    isObject(c) &&
    text(c.key) &&
    (c.generatedAt === undefined || text(c.generatedAt)) &&
    text(c.documents) &&
    text(c.updatedAt) &&
    typeof c.versionCount === "number" &&
    Number.isSafeInteger(c.versionCount) &&
    c.versionCount > 0 &&
    texts(c.specVersions) &&
    (c.dependencies === undefined || texts(c.dependencies)) &&
    (c.bundles === undefined || texts(c.bundles)) &&
    (c.omitted === undefined || text(c.omitted)) &&
    // An entry's digest exactly when registry.json lists the plugin.
    (c.omitted === undefined
      ? text(c.entryDigest) && SHA256.test(c.entryDigest)
      : c.entryDigest === undefined)
  );
}

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

/**
 * Whether `c` is the stored detail of `name` whose head is `head`: its summary, registry.json
 * entry (or why there is none, as the head says) and versions agree with the head.
 */
function wellFormedDetail(c: unknown, name: string, head: StoredHead): c is StoredDetail {
  if (!isObject(c) || !isObject(c.summary) || !isObject(c.upstream) || !Array.isArray(c.versions))
    return false;
  const { summary, upstream, versions } = c;
  if (
    summary.name !== name ||
    !text(summary.description) ||
    !text(summary.author) ||
    summary.updated_at !== head.updatedAt ||
    summary.version_count !== head.versionCount ||
    typeof summary.deprecated !== "boolean"
  )
    return false;
  if (head.omitted === undefined ? !isObject(upstream.entry) : !isObject(upstream.omitted)) return false;
  if (head.omitted !== undefined && (upstream.omitted as Record<string, unknown>).reason !== head.omitted)
    return false;
  if (versions.length !== head.versionCount || !versions.every(wellFormedVersion)) return false;
  // What registry.json shows of it is what its key was made of.
  if (head.omitted === undefined && listDigest(upstream.entry) !== head.entryDigest) return false;
  const bundles = (versions as StoredVersion[]).flatMap(([version, , , , , , bundle]) =>
    bundle === 1 ? [version] : [],
  );
  return bundles.length === (head.bundles ?? []).length && bundles.every((v, i) => head.bundles?.[i] === v);
}

/** Each stored version with its file, hash and bundle (from `files`, in the same order). */
function versionParts(
  summary: PluginSummary,
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
      description: description ?? summary.description,
      author: author ?? summary.author,
    };
  });
}

/** The bundles among `files`, in order. */
function bundlesOf(files: readonly VersionFile[]): PluginParts["bundles"] {
  return files.flatMap((f) =>
    f.bundleFile !== undefined ? [{ version: f.version, file: f.bundleFile }] : [],
  );
}

/** Why registry.json leaves `name` out, from a head. */
function omittedOf(name: string, head: StoredHead): OmittedPlugin | undefined {
  return head.omitted !== undefined ? { name, reason: head.omitted } : undefined;
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
  const head = texts && parsed(texts.head);
  if (!texts || !wellFormedHead(head) || head.key !== key) return undefined;
  if (head.generatedAt !== undefined && head.generatedAt !== generatedAt) return undefined;
  const detail = parsed(texts.detail);
  if (!wellFormedDetail(detail, name, head)) return undefined;
  const stored = detail.versions;
  const listed =
    stored.length === versions.length &&
    stored.every((v, i) => {
      const file = versions[i];
      return (
        v[0] === file?.version && v[5] === file.sha256 && v[6] === (file.bundleFile !== undefined ? 1 : 0)
      );
    });
  if (!listed) return undefined;
  return {
    ...headParts(name, head),
    summary: detail.summary,
    upstream: detail.upstream,
    versions: versionParts(detail.summary, stored, versions),
    bundles: bundlesOf(versions),
  };
}

/** What a plugin's parts take from its stored head alone (usableParts and cachedParts alike). */
function headParts(name: string, head: StoredHead) {
  const omitted = omittedOf(name, head);
  return {
    name,
    key: head.documents,
    updatedAt: head.updatedAt,
    versionCount: head.versionCount,
    ...(omitted ? { omitted } : {}),
    ...(head.entryDigest !== undefined ? { entryDigest: head.entryDigest } : {}),
    specVersions: head.specVersions,
    dependencies: head.dependencies ?? [],
  };
}

/**
 * A plugin's remembered parts whose detail is not what its head or the index says (read back
 * damaged, or changed since): a rebuild that meets it before it writes anything judges the whole
 * registry instead; later, the build stops and asks for `build --full`.
 */
export class DamagedParts extends RegistryError<"IO_ERROR"> {
  constructor(name: string) {
    super("IO_ERROR", `the remembered parts of ${name} are damaged: run build --full`, {
      details: { plugin: name },
    });
    this.name = "DamagedParts";
  }
}

/**
 * The parts of a plugin a rebuild from a commit neither read nor judged (build-commit.ts), from
 * its stored head alone, and the generation time they were made for if they used one. Only for
 * parts the build's own record vouches for (the index's hash matches the one the record names, and
 * git says the plugin's files did not change since); undefined when its head is not well formed.
 * Its summary, registry.json entry and versions are read from `detail` when first asked for (each
 * version's file where the layout puts it, its hash and bundle as stored): a detail that cannot be
 * read or does not agree with the head throws `DamagedParts`.
 */
export function cachedParts(
  name: string,
  stored: string,
  detail: () => string | undefined,
): { parts: PluginParts; generatedAt?: string } | undefined {
  const head = parsed(stored);
  if (!wellFormedHead(head)) return undefined;
  let read: { detail: StoredDetail; versions?: VersionPart[] } | undefined;
  const full = () => {
    if (read) return read;
    const text = detail();
    const value = text === undefined ? undefined : parsed(text);
    if (!wellFormedDetail(value, name, head)) throw new DamagedParts(name);
    read = { detail: value };
    return read;
  };
  const bundles = (head.bundles ?? []).map((version) => ({ version, file: bundleFile(name, version) }));
  const parts: PluginParts = {
    ...headParts(name, head),
    bundles,
    get summary() {
      return full().detail.summary;
    },
    get upstream() {
      return full().detail.upstream;
    },
    get versions() {
      const at = full();
      at.versions ??= versionParts(
        at.detail.summary,
        at.detail.versions,
        at.detail.versions.map(([version, , , , , sha256, bundle]) => ({
          version,
          file: versionFile(name, version),
          sha256,
          ...(bundle === 1 ? { bundleFile: bundleFile(name, version) } : {}),
        })),
      );
      return at.versions;
    },
  };
  return head.generatedAt !== undefined ? { parts, generatedAt: head.generatedAt } : { parts };
}

/**
 * Replaces the stored parts (a temporary file renamed over the old one: never half-written), and
 * removes an older version's JSON file. Returns the sha256 of the index written (what a commit
 * record names), undefined when it could not be.
 */
export function writeParts(file: string, plugins: Map<string, StoredParts>): string | undefined {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    const index: string[] = [];
    const details: string[] = [];
    let offset = 0;
    for (const [name, stored] of plugins) {
      const texts = split(stored);
      if (!texts || breaksLine(name) || name === "" || /[\n\r]/.test(stored)) return undefined;
      const length = Buffer.byteLength(texts.detail);
      index.push(`${name}\t${texts.head}\t${offset}\t${length}\t${hash("sha256", texts.detail)}\n`);
      details.push(`${texts.detail}\n`);
      offset += length + 1;
    }
    const lines = index.join("");
    const head = Buffer.from(`${PARTS_FORMAT}\t${Buffer.byteLength(lines)}\n${lines}`);
    // A new file: never written through a link planted at its name (write-guard.ts).
    createFile(tmp, [head, details.join("")]);
    renameSync(tmp, file);
    rmSync(`${dirname(file)}/${OLD_PARTS_FILE}`, { force: true });
    return hash("sha256", head);
  } catch {
    rmSync(tmp, { force: true });
    return undefined;
  }
}
