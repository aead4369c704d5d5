/**
 * The compact search index shared by the build (which writes it) and the browser (which reads it).
 *
 * - `search/index.json`: dictionaries, the shard list and one fixed-width record per plugin with its
 *   facets (providers, capabilities, level, method, signature, deprecated, updated day); plugin ids
 *   are positions in name order.
 * - `search/t/<key>.json`: terms starting with `<key>` (their first two characters) → postings.
 *   A posting list is "." separated base-36 numbers `delta * 3 + field`, where delta is the id gap
 *   and field 0 = name, 1 = keyword, provider, capability or resource type, 2 = description or author.
 * - `search/d/<chunk>.json`: display rows `[name, version, description]` for ids chunk*CHUNK…
 *
 * One query reads the index, one shard per query word and the chunks of the results shown.
 */

export const SEARCH_FORMAT = 1;
export const DOC_CHUNK = 16;
export const FIELD_WEIGHT = [10, 4, 1] as const;

export interface SearchMeta {
  v: typeof SEARCH_FORMAT;
  n: number;
  chunk: number;
  providers: string[];
  capabilities: string[];
  levels: string[];
  methods: string[];
  signatures: string[];
  /** Widths in characters of the provider and capability masks inside a record. */
  pw: number;
  cw: number;
  /** Shard keys that exist (so the browser never asks for a missing file). */
  shards: string[];
  /** Fixed-width records: pw provider chars, level, method, signature, deprecated, 3 day chars, cw capability chars. */
  records: string;
}

export type DocRow = [name: string, version: string, description: string];

const STOP = new Set([
  "a",
  "an",
  "and",
  "are",
  "as",
  "at",
  "by",
  "for",
  "from",
  "in",
  "is",
  "it",
  "of",
  "on",
  "or",
  "the",
  "to",
  "with",
]);

/** Lowercased words of letters and digits, without stop words. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const m of text
    .toLowerCase()
    .normalize("NFKC")
    .matchAll(/[\p{L}\p{N}]+/gu)) {
    if (!STOP.has(m[0])) out.push(m[0]);
  }
  return out;
}

/** The shard a term lives in: its first two characters, as a safe file name. */
export function shardKey(term: string): string {
  const key = [...term].slice(0, 2).join("");
  return /^[a-z0-9]+$/.test(key) ? key : `u${[...key].map((c) => c.codePointAt(0)!.toString(16)).join("-")}`;
}

/** Width in base-32 characters of a bit mask over `count` values. */
export function maskWidth(count: number): number {
  return Math.max(1, Math.ceil(count / 5));
}

export function encodeMask(bits: number[], width: number): string {
  const chars = new Array<number>(width).fill(0);
  for (const b of bits) chars[Math.floor(b / 5)]! |= 1 << (b % 5);
  return chars.map((c) => c.toString(32)).join("");
}

export function maskHas(record: string, offset: number, bit: number): boolean {
  const c = Number.parseInt(record.charAt(offset + Math.floor(bit / 5)), 32);
  return (c & (1 << (bit % 5))) !== 0;
}

/** Days since 2000-01-01 for sorting by "recently updated" (three base-36 characters). */
export function dayNumber(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t)
    ? 0
    : Math.max(0, Math.min(46655, Math.floor((t - Date.UTC(2000, 0, 1)) / 86_400_000)));
}

export function recordWidth(meta: Pick<SearchMeta, "pw" | "cw">): number {
  return meta.pw + 4 + 3 + meta.cw;
}
