/**
 * The writer's state (write-fs.ts) as text: keyed lines (core/keyed-lines.ts) under
 * `STATE_FORMAT`, one line per group of outputs (`group:<name>`) and one per output outside a
 * group (`file:<path>`), in output order. A line's value is the input key ("" when none), the
 * number of outputs, then each output's path and sha256, all separated by tabs:
 *
 *     group:plugins/alpha	<key>	3	api/v1/plugins/alpha/index.json	<sha256>	…
 *
 * A rebuild only finds where the lines are in the bytes read (`StateLines`): the line of a group
 * whose key is unchanged is neither decoded nor parsed, and is written back as the bytes it was
 * read as (`StateWriter`); only the lines of groups that changed or are gone are decoded and
 * parsed (and all of them when a caller asks for every file, for TUF).
 */
import { keepingBOM } from "../core/keyed-lines.ts";

/** The first line of the state's text; text of any other format reads as no state. */
export const STATE_FORMAT = "finfocus-build-state/3";

const HEAD = Buffer.from(`${STATE_FORMAT}\n`);

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * A state as read: where each line's id and value are in its bytes, by id, in the order written
 * (the last line of an id wins, in the place of its first, as core/keyed-lines.ts reads them). Values
 * are decoded only when asked for.
 */
export class StateLines {
  readonly #bytes: Buffer;
  /** The slot of each id, in the order first written. */
  readonly #slots = new Map<string, number>();
  /** Per slot: where its line starts, where its value starts, where its line break is. */
  readonly #starts: number[] = [];
  readonly #values: number[] = [];
  readonly #ends: number[] = [];

  constructor(bytes: Buffer) {
    this.#bytes = bytes;
    for (let at = HEAD.length; at < bytes.length; ) {
      let end = bytes.indexOf(10, at);
      if (end === -1) end = bytes.length;
      const tab = bytes.indexOf(9, at);
      if (tab > at && tab < end) {
        const id = bytes.toString("utf8", at, tab);
        const slot = this.#slots.get(id);
        if (slot === undefined) {
          this.#slots.set(id, this.#starts.length);
          this.#starts.push(at);
          this.#values.push(tab + 1);
          this.#ends.push(end);
        } else {
          this.#starts[slot] = at;
          this.#values[slot] = tab + 1;
          this.#ends[slot] = end;
        }
      }
      at = end + 1;
    }
  }

  get size(): number {
    return this.#slots.size;
  }

  keys(): IterableIterator<string> {
    return this.#slots.keys();
  }

  /** The value of `id`'s line, decoded. */
  get(id: string): string | undefined {
    const slot = this.#slots.get(id);
    return slot === undefined
      ? undefined
      : this.#text(this.#values[slot] as number, this.#ends[slot] as number);
  }

  /**
   * The number of outputs `id`'s line holds when its key is `key`, read from its bytes without
   * decoding the rest; undefined when there is no such line, its key differs or its value does not
   * start as a line of this format does.
   */
  keptCount(id: string, key: string): number | undefined {
    const slot = this.#slots.get(id);
    if (slot === undefined) return undefined;
    const start = this.#values[slot] as number;
    const end = this.#ends[slot] as number;
    const bytes = this.#bytes;
    const length = sameBytes(bytes, start, end, key);
    if (length === undefined || bytes[start + length] !== 9) return undefined;
    const tab = bytes.indexOf(9, start + length + 1);
    const count = Number(bytes.toString("latin1", start + length + 1, tab === -1 || tab > end ? end : tab));
    return Number.isSafeInteger(count) && count >= 0 ? count : undefined;
  }

  /** Where `id`'s whole line is in the bytes, its line break included: [start, end). */
  range(id: string): [number, number] | undefined {
    const slot = this.#slots.get(id);
    return slot === undefined ? undefined : [this.#starts[slot] as number, (this.#ends[slot] as number) + 1];
  }

  /** The bytes read. */
  get bytes(): Buffer {
    return this.#bytes;
  }

  /**
   * The ids of the lines whose text holds `needle` (the last line of an id only), in the file's
   * order: one search of the bytes, not a search per line.
   */
  *holding(needle: string): Generator<string> {
    const bytes = this.#bytes;
    let from = HEAD.length;
    for (;;) {
      const at = bytes.indexOf(needle, from);
      if (at === -1) return;
      // The line it lies in; the next search starts after it, so every search moves on.
      const start = bytes.lastIndexOf(10, at - 1) + 1;
      const end = bytes.indexOf(10, at);
      from = (end === -1 ? bytes.length : end) + 1;
      // A line without an id (no tab after its first byte) is one the state does not hold.
      const tab = bytes.indexOf(9, start);
      if (tab <= start || (end !== -1 && tab > end)) continue;
      const id = bytes.toString("utf8", start, tab);
      const slot = this.#slots.get(id);
      // Not an earlier line of an id written again later.
      if (slot !== undefined && this.#starts[slot] === start) yield id;
    }
  }

  #text(start: number, end: number): string {
    return keepingBOM.decode(this.#bytes.subarray(start, end));
  }
}

/**
 * The length in bytes of `text` when `bytes` from `start` (before `end`) begin with its UTF-8
 * bytes; undefined when they do not. An ASCII text (a key is hex) is compared without encoding it.
 */
function sameBytes(bytes: Buffer, start: number, end: number, text: string): number | undefined {
  let i = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) break;
    if (start + i >= end || bytes[start + i] !== c) return undefined;
  }
  if (i === text.length) return i;
  const encoded = Buffer.from(text);
  const length = encoded.length;
  return start + length < end && encoded.equals(bytes.subarray(start, start + length)) ? length : undefined;
}

/** The lines of a state's bytes (anything, untrusted); undefined unless whole text of this format. */
export function readStateLines(bytes: Uint8Array | undefined): StateLines | undefined {
  // A state is written whole (renamed into place): one not ending its last line is not ours.
  if (bytes === undefined || bytes.length === 0 || bytes[bytes.length - 1] !== 0x0a) return undefined;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < HEAD.length || !buffer.subarray(0, HEAD.length).equals(HEAD)) return undefined;
  const lines = new StateLines(buffer);
  return lines.size > 0 || bytes.length === HEAD.length ? lines : undefined;
}

/**
 * The new state's lines, in output order: text made by this build, or lines of the previous state
 * kept as the bytes they were read as (adjacent ones as one range), so a rebuild that changed a
 * few groups encodes only their lines.
 */
export class StateWriter {
  readonly #chunks: (string | Buffer)[] = [];
  #length = 0;
  /** The open range of kept bytes, not yet a chunk. */
  #from = -1;
  #to = -1;
  #source: Buffer | undefined;

  /** Lines added so far. */
  get length(): number {
    return this.#length;
  }

  /** A line made by this build (`${id}\t${value}`). */
  add(line: string): void {
    this.#close();
    this.#chunks.push(`${line}\n`);
    this.#length++;
  }

  /** `id`'s line of `previous`, as it was read. */
  keep(previous: StateLines, id: string): void {
    const range = previous.range(id);
    if (range === undefined) throw new Error(`no line ${id} to keep`);
    if (this.#source !== previous.bytes || this.#to !== range[0]) {
      this.#close();
      this.#source = previous.bytes;
      this.#from = range[0];
    }
    this.#to = range[1];
    this.#length++;
  }

  /**
   * The state's bytes in pieces, in order: the format line, then runs of kept lines (slices of the
   * bytes read) and of lines made by this build (one text each).
   */
  pieces(): (string | Buffer)[] {
    this.#close();
    const pieces: (string | Buffer)[] = [HEAD];
    let text: string[] = [];
    for (const chunk of this.#chunks) {
      if (typeof chunk === "string") {
        text.push(chunk);
        continue;
      }
      if (text.length > 0) pieces.push(text.join(""));
      text = [];
      pieces.push(chunk);
    }
    if (text.length > 0) pieces.push(text.join(""));
    return pieces;
  }

  /** Each line's text (`${id}\t${value}`), in order. */
  lines(): string[] {
    this.#close();
    const lines: string[] = [];
    for (const chunk of this.#chunks) {
      const text = typeof chunk === "string" ? chunk : keepingBOM.decode(chunk);
      lines.push(...text.slice(0, -1).split("\n"));
    }
    return lines;
  }

  #close(): void {
    if (this.#source === undefined) return;
    this.#chunks.push(this.#source.subarray(this.#from, this.#to));
    this.#source = undefined;
    this.#from = -1;
    this.#to = -1;
  }
}

/** A line's value for `key` ("" for none) and its outputs' paths and hashes, in order. */
export function lineValue(key: string, files: readonly (readonly [string, string])[]): string {
  let value = `${key}\t${files.length}`;
  for (const [path, sha256] of files) value += `\t${path}\t${sha256}`;
  return value;
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
 * any. The state's bytes are searched once and only a line that matches is parsed: a few searches
 * cost less than parsing every line.
 */
export function ownerOf(
  lines: StateLines,
  path: string,
  include: (id: string) => boolean,
): string | undefined {
  for (const id of lines.holding(`\t${path}\t`)) {
    if (!include(id)) continue;
    if (parseValue(lines.get(id) as string)?.some(([p]) => p === path)) return id;
  }
  return undefined;
}

/** Paths new to their line beyond which one index of the whole state beats a search per path. */
const SEARCHES = 16;

/**
 * Which line of `lines`, other than `id`'s, holds `path`: a search of the state's bytes for the
 * first few paths asked (`ownerOf`), then one index of every path.
 */
export function ownerIndex(lines: StateLines): (path: string, id: string) => string | undefined {
  let searches = 0;
  let index: Map<string, string> | undefined;
  return (path, id) => {
    if (index === undefined && searches++ < SEARCHES) return ownerOf(lines, path, (other) => other !== id);
    if (index === undefined) {
      index = new Map();
      for (const line of lines.keys())
        for (const [p] of parseValue(lines.get(line) as string) ?? []) index.set(p, line);
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
