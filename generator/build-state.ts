/**
 * The writer's state (write-fs.ts) as text: keyed lines (core/keyed-lines.ts) under
 * `STATE_FORMAT`, one line per group of outputs (`group:<name>`) and one per output outside a
 * group (`file:<path>`), in output order. A line's value is the input key ("" when none), the
 * number of outputs, then each output's path and sha256, all separated by tabs:
 *
 *     group:plugins/alpha	<key>	3	api/v1/plugins/alpha/index.json	<sha256>	…
 *
 * A rebuild only splits the text into lines: the line of a group whose key is unchanged is kept
 * as it was read and written back as is; only the lines of groups that changed or are gone are
 * parsed (and all of them when a caller asks for every file, for TUF).
 */
import { keyedLinesText, readKeyedLines } from "../core/keyed-lines.ts";

/** The first line of the state's text; text of any other format reads as no state. */
export const STATE_FORMAT = "finfocus-build-state/3";

/** A state as read: each line's value by its id, in the order written. */
export type StateLines = Map<string, string>;

const SHA256 = /^[0-9a-f]{64}$/;

/** The lines of a state's bytes (anything, untrusted); undefined unless whole text of this format. */
export function readStateLines(bytes: Uint8Array | undefined): StateLines | undefined {
  // A state is written whole (renamed into place): one not ending its last line is not ours.
  if (bytes === undefined || bytes.length === 0 || bytes[bytes.length - 1] !== 0x0a) return undefined;
  const lines = readKeyedLines(bytes, STATE_FORMAT);
  return lines.size > 0 || bytes.length === STATE_FORMAT.length + 1 ? lines : undefined;
}

/** The state's text from its lines (`${id}\t${value}`, in output order). */
export function stateText(lines: readonly string[]): string {
  return keyedLinesText(STATE_FORMAT, lines);
}

/** A line's value for `key` ("" for none) and its outputs' paths and hashes, in order. */
export function lineValue(key: string, files: readonly (readonly [string, string])[]): string {
  let value = `${key}\t${files.length}`;
  for (const [path, sha256] of files) value += `\t${path}\t${sha256}`;
  return value;
}

/**
 * The number of outputs a value holds when its key is `key`, read without parsing the rest;
 * undefined when the key differs or the value does not start as a line of this format does.
 */
export function keptCount(value: string, key: string): number | undefined {
  if (!value.startsWith(key) || value.charCodeAt(key.length) !== 9) return undefined;
  const end = value.indexOf("\t", key.length + 1);
  const count = Number(value.slice(key.length + 1, end === -1 ? value.length : end));
  return Number.isSafeInteger(count) && count >= 0 ? count : undefined;
}

/** The paths and hashes of a value, in order; undefined when it is not well formed. */
export function parseValue(value: string): [string, string][] | undefined {
  const fields = value.split("\t");
  const count = Number(fields[1]);
  if (!Number.isSafeInteger(count) || count < 0 || fields.length !== 2 + 2 * count) return undefined;
  const files: [string, string][] = [];
  for (let i = 2; i < fields.length; i += 2) {
    const path = fields[i] as string;
    const sha256 = fields[i + 1] as string;
    if (path === "" || !SHA256.test(sha256)) return undefined;
    files.push([path, sha256]);
  }
  return files;
}

/**
 * The id of the line among `lines` (those `include` accepts) that holds an output at `path`, if
 * any. Each value is searched as text and only a match is parsed: a few searches cost less than
 * parsing every line.
 */
export function ownerOf(
  lines: StateLines,
  path: string,
  include: (id: string) => boolean,
): string | undefined {
  const needle = `\t${path}\t`;
  for (const [id, value] of lines) {
    if (!value.includes(needle) || !include(id)) continue;
    if (parseValue(value)?.some(([p]) => p === path)) return id;
  }
  return undefined;
}

/** Paths new to their line beyond which one index of the whole state beats a search per path. */
const SEARCHES = 16;

/**
 * Which line of `lines`, other than `id`'s, holds `path`: a search of each line's text for the
 * first few paths asked (`ownerOf`), then one index of every path.
 */
export function ownerIndex(lines: StateLines): (path: string, id: string) => string | undefined {
  let searches = 0;
  let index: Map<string, string> | undefined;
  return (path, id) => {
    if (index === undefined && searches++ < SEARCHES) return ownerOf(lines, path, (other) => other !== id);
    if (index === undefined) {
      index = new Map();
      for (const [line, value] of lines) for (const [p] of parseValue(value) ?? []) index.set(p, line);
    }
    const owner = index.get(path);
    return owner === id ? undefined : owner;
  };
}

/**
 * The paths of the previous state's lines not `kept` that no output listed now (`produced`), in
 * the state's order: what a build no longer writes. `relisted`: the ids of its lines listed again
 * (not kept); when they and the kept ones are all its lines, only theirs are looked at.
 */
export function stalePaths(
  previous: StateLines,
  kept: ReadonlySet<string>,
  relisted: readonly string[],
  produced: ReadonlySet<string>,
): string[] {
  const stale: string[] = [];
  const gone = kept.size + relisted.length < previous.size;
  for (const id of gone ? previous.keys() : relisted) {
    if (kept.has(id)) continue;
    for (const [path] of parseValue(previous.get(id) as string) ?? [])
      if (!produced.has(path)) stale.push(path);
  }
  return stale;
}

/**
 * Every output path and sha256 of a state's lines (`${id}\t${value}`), in order; undefined when
 * one is not well formed (a damaged state whose keys still matched).
 */
export function filesOf(lines: readonly string[]): Map<string, string> | undefined {
  const files = new Map<string, string>();
  for (const line of lines) {
    const parsed = parseValue(line.slice(line.indexOf("\t") + 1));
    if (parsed === undefined) return undefined;
    for (const [path, sha256] of parsed) files.set(path, sha256);
  }
  return files;
}
