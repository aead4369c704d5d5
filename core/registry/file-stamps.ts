/**
 * File stamps: a manifest's sha256 remembered with what the file system says of the file (device,
 * inode, size, modification and change times, in nanoseconds), so that a re-validation of a
 * folder need not read a file whose stamp did not change, as git's index does. The change time
 * (ctime) is set by the kernel on every write, rename and `utimes`, and cannot be set back by
 * the file's owner, so a file written since its stamp was taken has another stamp.
 *
 * A stamp is remembered only when the file last changed at least MARGIN before the load that
 * took it began (the "racily clean" rule): a file written in the same clock tick as it was
 * stat'ed could change again within that tick and keep its stamp; a margin of seconds also
 * covers a file system clock a little ahead of this machine's. The stat is taken before the
 * read, so a file that changes between the two is remembered under the stamp it had before.
 *
 * A folder's listing (names and kinds) is remembered the same way, under the folder's own stamp:
 * adding, removing, renaming or replacing an entry (a file by a symbolic link, say) changes the
 * folder's modification time, as git's untracked cache relies on; so the layout walk of an
 * unchanged registry stats its folders instead of listing them.
 *
 * A commit's files and folders are stamped by their git object ids (registry-git.ts): an id is a
 * hash of the content (a tree's, of its entries' names, modes and ids), so a stamp changes
 * exactly when the content does; nothing about it is racy, and its change time is 0. A
 * registry that publishes from its repository is rebuilt from the blobs that changed.
 *
 * The stamps are local state read back from a file (kept by adapters beside the verdicts): a
 * line that is not a well-formed stamp is ignored, and what they give is only a hash, which the
 * verdicts' keys then compare. They apply to sources that stamp (`RegistrySource.stamp`): a
 * folder on disk, a commit.
 */

import { hash } from "node:crypto";
import { breaksLine, keyedLinesText, readKeyedLines } from "../keyed-lines.ts";
import type { EntryKind, FileStamp, RegistrySource, SourceEntry } from "./source.types.ts";

/** The stamps' format (the first line of their text); text of another format is ignored whole. */
export const STAMPS_FORMAT = "finfocus-registry/stamps/1";

/** How long before a load began a file must have last changed for its stamp to be remembered. */
export const STAMP_MARGIN_NS = 2_000_000_000n;

/**
 * The stamps of a text as `stampsText` wrote it, by registry path: `${stamp}\t${sha256}` for a
 * file, and, by the folder's path and a `/`, `${stamp}\t${listing}` for a folder.
 */
export type StampIndex = Map<string, string>;

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The stamps in `bytes` (anything, untrusted): empty unless it is text of this format. Lines are
 * only split here; a value is checked when a stamp matches it.
 */
export function readStamps(bytes: Uint8Array | undefined): StampIndex {
  return readKeyedLines(bytes, STAMPS_FORMAT);
}

/**
 * The line to remember of a file whose stamp is remembered as it was (`rememberedFile`): its text
 * is made from the stamps offered (`rememberedLine`) only when the stamps are written, which a
 * rebuild after a small change does not do; a line of text always holds a tab.
 */
export const AS_REMEMBERED = "=";

/** The text of a line to remember of the file at `path` (`AS_REMEMBERED`: from `index`). */
export function rememberedLine(index: StampIndex, path: string, line: string): string {
  if (line !== AS_REMEMBERED) return line;
  const stored = index.get(path);
  return stored === undefined ? "" : `${path}\t${stored}`;
}

/**
 * The sha256 remembered for the file at `path` if its stamp is still `now`, and its line to
 * remember again (`AS_REMEMBERED`: as it was, the same stamp changed as long before this load);
 * otherwise undefined.
 */
export function rememberedFile(
  index: StampIndex,
  path: string,
  now: FileStamp | undefined,
): { sha256: string; line: string } | undefined {
  if (now === undefined) return undefined;
  const stored = index.get(path);
  if (stored === undefined || stored.length !== now.stamp.length + 65 || !stored.startsWith(now.stamp))
    return undefined;
  const sha256 = stored.slice(now.stamp.length + 1);
  if (stored.charCodeAt(now.stamp.length) !== 9 || !SHA256.test(sha256)) return undefined;
  return { sha256, line: AS_REMEMBERED };
}

/** Reads a registry file, passing on its stamp when the source takes one: a source's own `readFile`, or one around it. */
export type ReadFile = RegistrySource["readFile"];

/** Stamps in use in one load: those the last load gave, and the wall clock when this one began. */
export interface LoadStamps {
  index: StampIndex;
  startedNs: bigint;
}

/**
 * The file at `path` of `source`, read and hashed; through `stamps` when given: stat'ed first (a
 * file that changes before it is read is remembered under its old stamp), then its remembered
 * sha256 without reading it when its stamp did not change, or its bytes (`read`) and their
 * sha256; with the line to remember ("" for none). A file of which nothing is remembered is not
 * stat'ed apart: `read` passes on the stamp the source took of the opened file before reading
 * it (a `read` that does not pass it on leaves the file without a line). Undefined when there is
 * no file to read.
 */
export async function readStamped(
  source: RegistrySource,
  stamps: LoadStamps | undefined,
  path: string,
  read: ReadFile,
): Promise<{ bytes?: Uint8Array; sha256: string; line: string } | undefined> {
  // A file with a remembered line is stat'ed first, to compare; any other is stamped as the source
  // opens it (RegistrySource.readFile): either way before it is read.
  const known = stamps?.index.has(path) === true;
  let now: FileStamp | undefined = known ? await source.stamp?.(path) : undefined;
  const remembered = known && stamps && rememberedFile(stamps.index, path, now);
  if (remembered) return remembered;
  const bytes = await read(path, stamps && !known ? (stamp) => (now = stamp) : undefined);
  if (bytes === undefined) return undefined;
  const sha256 = hash("sha256", bytes);
  return { bytes, sha256, line: (stamps && stampLine(path, now, sha256, stamps.startedNs)) ?? "" };
}

/**
 * One line of stamps to remember for the file at `path` (stat'ed before it was read, at or after
 * `startedNs`, the wall clock when the load began), or undefined when it changed too recently to
 * be remembered, or its path cannot be a line.
 */
export function stampLine(
  path: string,
  stamp: FileStamp | undefined,
  sha256: string,
  startedNs: bigint,
): string | undefined {
  if (stamp === undefined || stamp.changedNs >= startedNs - STAMP_MARGIN_NS) return undefined;
  if (breaksLine(path) || !SHA256.test(sha256)) return undefined;
  return `${path}\t${stamp.stamp}\t${sha256}`;
}

/** A listing's kinds, one letter each; a listing is remembered as `${letter}${name}` joined by `/`. */
const KIND_LETTER: Record<EntryKind, string> = {
  file: "f",
  executable: "x",
  symlink: "l",
  gitlink: "g",
  tree: "d",
  other: "o",
};
const LETTER_KIND = new Map(Object.entries(KIND_LETTER).map(([kind, letter]) => [letter, kind as EntryKind]));

/**
 * The listing remembered for the folder at `path` if its stamp is still `now`; otherwise
 * undefined (also when what is remembered is not a listing: names sorted, each once, no `/`).
 */
export function trustedListing(
  index: StampIndex,
  path: string,
  now: FileStamp | undefined,
): SourceEntry[] | undefined {
  if (now === undefined) return undefined;
  const stored = index.get(`${path}/`);
  if (stored === undefined || !stored.startsWith(now.stamp) || stored.charCodeAt(now.stamp.length) !== 9)
    return undefined;
  const text = stored.slice(now.stamp.length + 1);
  const entries: SourceEntry[] = [];
  if (text === "") return entries;
  let last = "";
  for (const item of text.split("/")) {
    const kind = LETTER_KIND.get(item.charAt(0));
    const name = item.slice(1);
    if (kind === undefined || name === "" || (entries.length > 0 && last >= name)) return undefined;
    entries.push({ name, kind });
    last = name;
  }
  return entries;
}

/**
 * One line of stamps to remember for the folder at `path` and its listing, as `stampLine`
 * (none when a name cannot be part of a line).
 */
export function folderStampLine(
  path: string,
  stamp: FileStamp | undefined,
  entries: readonly SourceEntry[],
  startedNs: bigint,
): string | undefined {
  if (stamp === undefined || stamp.changedNs >= startedNs - STAMP_MARGIN_NS || breaksLine(path))
    return undefined;
  if (entries.some((e) => breaksLine(e.name) || e.name.includes("/"))) return undefined;
  return `${path}/\t${stamp.stamp}\t${entries.map((e) => KIND_LETTER[e.kind] + e.name).join("/")}`;
}

/** How a git object's stamp begins (registry-git.ts): a tree's with `d` before it. */
export const GIT_STAMP = "git:";

/**
 * True when a folder's stamp covers everything below it: a git tree's id, a hash of its entries'
 * names, modes and ids, and so of every file and folder below it. (A folder's stamp on disk
 * changes when an entry is added, removed or renamed, not when a file in it is written.)
 */
function coversBelow(stamp: string): boolean {
  return stamp.startsWith(`d${GIT_STAMP}`);
}

/**
 * The stamp remembered in `index` for the file or folder at `path`, when it is a git object's
 * (the only stamps a covering folder's can vouch for); otherwise undefined.
 */
function rememberedStamp(index: StampIndex, path: string): FileStamp | undefined {
  const stored = index.get(path) ?? index.get(`${path}/`);
  const tab = stored?.indexOf("\t") ?? -1;
  if (stored === undefined || tab < 0) return undefined;
  const stamp = stored.slice(0, tab);
  return stamp.startsWith(GIT_STAMP) || coversBelow(stamp) ? { stamp, changedNs: 0n } : undefined;
}

/**
 * `source` whose folder listings come from the stamps in `index` where a folder's stamp did not
 * change, and the lines to remember for the folders it listed (in the order it listed them), of
 * which `fresh.count` were not remembered as they are.
 * Below a folder whose stamp covers it (`coversBelow`) and did not change, nothing changed: the
 * source's `stamp` gives what `index` remembers there without asking the source (a commit's
 * unchanged plugin costs no read of its trees). A source without stamps is returned as it is.
 */
export function stampedListings(
  source: RegistrySource,
  index: StampIndex,
  startedNs: bigint,
): { source: RegistrySource; lines: string[]; fresh: { count: number } } {
  const lines: string[] = [];
  // Lines not remembered as they were (a folder listed again).
  const fresh = { count: 0 };
  const sourceStamp = source.stamp?.bind(source);
  if (sourceStamp === undefined) return { source, lines, fresh };
  // Folders whose covering stamp did not change.
  const unchanged = new Set<string>();
  const covered = (rel: string): boolean => {
    for (let end = rel.lastIndexOf("/"); end > 0; end = rel.lastIndexOf("/", end - 1))
      if (unchanged.has(rel.slice(0, end))) return true;
    return false;
  };
  const stamp = async (rel: string): Promise<FileStamp | undefined> =>
    (unchanged.size > 0 && covered(rel) && rememberedStamp(index, rel)) || sourceStamp(rel);
  const entries = async (rel: string): Promise<SourceEntry[] | undefined> => {
    // The root is listed (it has no stamp of its own here); any other folder is stat'ed first.
    const now = rel === "" ? undefined : await stamp(rel);
    if (now !== undefined && !now.stamp.startsWith("d")) return undefined;
    const remembered = trustedListing(index, rel, now);
    if (remembered) {
      lines.push(`${rel}/\t${index.get(`${rel}/`)}`);
      if (now && coversBelow(now.stamp)) unchanged.add(rel);
      return remembered;
    }
    const listing = await source.entries(rel);
    const line = listing && folderStampLine(rel, now, listing, startedNs);
    if (line) {
      lines.push(line);
      fresh.count++;
    }
    return listing;
  };
  return {
    lines,
    fresh,
    source: {
      root: source.root,
      ...(source.dir !== undefined ? { dir: source.dir } : {}),
      ...(source.location !== undefined ? { location: source.location } : {}),
      ...(source.commit !== undefined ? { commit: source.commit } : {}),
      readFile: (rel) => source.readFile(rel),
      list: async (rel) => (await entries(rel))?.map((e) => e.name) ?? [],
      entries,
      kind: (rel) => source.kind(rel),
      stamp,
    },
  };
}

/** The text of a set of stamp lines (in the caller's order). */
export function stampsText(lines: readonly string[]): string {
  return keyedLinesText(STAMPS_FORMAT, lines);
}

/** The wall clock now, in nanoseconds since the epoch (comparable with file times). */
export function wallClockNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}
