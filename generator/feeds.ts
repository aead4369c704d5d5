/**
 * Atom feeds (RFC 4287): the newest releases across the registry and one feed per plugin.
 * Text is XML-escaped and stripped of characters XML 1.0 cannot carry; `updated` is the newest
 * entry's time, not the build time, so a feed's bytes change only when its releases do.
 */
import type { FeedEntry } from "./model.types.ts";

/** Drops what XML 1.0 cannot carry: C0 controls but tab, LF, CR; lone surrogates; U+FFFE/U+FFFF. */
function xmlChars(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) out += text[i]! + text[i + 1]!;
      i += next >= 0xdc00 && next <= 0xdfff ? 1 : 0;
      continue;
    }
    const allowed =
      c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c < 0xdc00) || (c > 0xdfff && c < 0xfffe);
    if (allowed) out += text[i]!;
  }
  return out;
}

/** What `xmlEscape` changes: markup characters and what `xmlChars` drops or must look at. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML 1.0 cannot carry are what it looks for.
const NEEDS_ESCAPING = /[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;

/** Escapes text for XML element content and attribute values. */
export function xmlEscape(text: string): string {
  // Most text (names, URLs, times) has nothing to escape: one scan instead of six passes.
  if (!NEEDS_ESCAPING.test(text)) return text;
  return xmlChars(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

export interface FeedOptions {
  /** Absolute URL of the site root, ending in "/" (config.base_url). */
  baseUrl: string;
  /** Path of this feed relative to the site root. */
  selfPath: string;
  title: string;
  /** Used for an empty feed's `updated`. */
  fallbackUpdated: string;
}

function absolute(baseUrl: string, path: string): string {
  return `${baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`}${path}`;
}

function entryXml(entry: FeedEntry, baseUrl: string): string {
  const url = absolute(baseUrl, entry.manifest_url);
  const notes = [entry.yanked ? "Yanked." : "", entry.deprecated ? "The plugin is deprecated." : ""]
    .filter(Boolean)
    .join(" ");
  const summary = notes ? `${entry.description} (${notes})` : entry.description;
  return [
    "  <entry>",
    `    <title>${xmlEscape(`${entry.name} ${entry.version}`)}</title>`,
    `    <id>${xmlEscape(url)}</id>`,
    `    <link rel="alternate" type="application/json" href="${xmlEscape(url)}"/>`,
    `    <published>${xmlEscape(entry.published_at)}</published>`,
    `    <updated>${xmlEscape(entry.published_at)}</updated>`,
    `    <author><name>${xmlEscape(entry.author)}</name></author>`,
    `    <summary>${xmlEscape(summary)}</summary>`,
    "  </entry>",
  ].join("\n");
}

/** The newest of ISO 8601 UTC times (they sort as strings), or undefined for none. */
export function latestTime(times: Iterable<string>): string | undefined {
  let max: string | undefined;
  for (const t of times) if (max === undefined || t > max) max = t;
  return max;
}

/** What orders feed entries. */
type FeedOrder = Pick<FeedEntry, "published_at" | "name" | "version">;

/** Newest first: by published time, then name, then version (a total, deterministic order). */
export function compareFeedEntries(a: FeedOrder, b: FeedOrder): number {
  if (a.published_at !== b.published_at) return a.published_at < b.published_at ? 1 : -1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.version < b.version ? 1 : a.version > b.version ? -1 : 0;
}

/**
 * The first `size` entries, in `compareFeedEntries` order, of those offered: what sorting them all
 * and keeping the first `size` gives (the order is total; among equal ones the first offered
 * comes first, as a stable sort keeps them). The registry-wide feed keeps 50 of every version in
 * the registry (100,000 in the benchmark): making and sorting them all cost more than this.
 */
export class NewestFeed {
  readonly #size: number;
  readonly #kept: FeedEntry[] = [];

  constructor(size: number) {
    this.#size = size;
  }

  /** Whether an entry ordered by `order` would be kept now (make the entry and `add` it only then). */
  wants(order: FeedOrder): boolean {
    if (this.#kept.length < this.#size) return true;
    const last = this.#kept.at(-1);
    return last !== undefined && compareFeedEntries(order, last) < 0;
  }

  add(entry: FeedEntry): void {
    if (!this.wants(entry)) return;
    let low = 0;
    let high = this.#kept.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareFeedEntries(this.#kept[mid] as FeedEntry, entry) <= 0) low = mid + 1;
      else high = mid;
    }
    this.#kept.splice(low, 0, entry);
    if (this.#kept.length > this.#size) this.#kept.pop();
  }

  /** The entries kept, in order. */
  entries(): FeedEntry[] {
    return [...this.#kept];
  }
}

/** An Atom document for already-ordered entries. */
export function atomFeed(entries: readonly FeedEntry[], options: FeedOptions): string {
  const self = absolute(options.baseUrl, options.selfPath);
  const updated = latestTime(entries.map((e) => e.published_at)) ?? options.fallbackUpdated;
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <title>${xmlEscape(options.title)}</title>`,
    `  <id>${xmlEscape(self)}</id>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlEscape(self)}"/>`,
    `  <link rel="alternate" href="${xmlEscape(absolute(options.baseUrl, ""))}"/>`,
    `  <updated>${xmlEscape(updated)}</updated>`,
    `  <generator>finfocus-registry</generator>`,
    ...entries.map((e) => entryXml(e, options.baseUrl)),
    "</feed>",
    "",
  ].join("\n");
}
