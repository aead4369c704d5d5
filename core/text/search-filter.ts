import type { Manifest } from "../manifest.types.ts";

/**
 * The one meaning of a search filter, for every source and for installed plugins: the spec's
 * glob form (`aws-*`, `*-cost-?`) is matched against the whole plugin name; plain text is a
 * case-insensitive substring of the name or any of the plugin's texts (description, keywords,
 * capabilities). The empty filter matches everything.
 */
export function matchesFilter(filter: string, name: string, texts: readonly string[] = []): boolean {
  return filterMatcher(filter)(searchable(name, texts));
}

/** A plugin's name and texts, lowercased once: what a search looks at. */
export interface Searchable {
  readonly name: string;
  /** The texts, joined by NUL (a character no search can contain). */
  readonly texts: string;
}

/** The texts a plain-text search looks at in a plugin's manifest: its description, keywords and capabilities. */
export function manifestTexts(manifest: Manifest): string[] {
  return [
    manifest.metadata.description,
    ...(manifest.metadata.keywords ?? []),
    ...(manifest.specification.capabilities ?? []),
  ];
}

/** Lowercases a plugin's name and texts once, for every search over it that follows. */
export function searchable(name: string, texts: Iterable<string> = []): Searchable {
  return { name: name.toLowerCase(), texts: [...texts].join("\0").toLowerCase() };
}

/**
 * `matchesFilter` with the filter read once: what a search over thousands of plugins calls for
 * each of them (over `searchable`s made once per index, not once per search).
 */
export function filterMatcher(filter: string): (plugin: Searchable) => boolean {
  const needle = filter.trim().toLowerCase().replaceAll("\0", "");
  if (needle === "") return () => true;
  if (/[*?]/.test(needle)) {
    const glob = globMatcher(needle);
    return (p) => glob(p.name);
  }
  return (p) => p.name.includes(needle) || p.texts.includes(needle);
}

/**
 * The positions of the plugins `filter` matches, in order: one search over an index's
 * `searchable`s, wherever it runs (this thread, or the daemon's search thread).
 */
export function searchIndexes(plugins: readonly Searchable[], filter: string): number[] {
  const matches = filterMatcher(filter);
  const found: number[] = [];
  for (let i = 0; i < plugins.length; i++) if (matches(plugins[i]!)) found.push(i);
  return found;
}

/**
 * `*` any run of characters, `?` one character, everything else literal, over the whole text.
 * Dynamic programming over (pattern, text): O(pattern × text) whatever the pattern (no
 * backtracking regular expression built from user input).
 */
export function globMatch(pattern: string, text: string): boolean {
  return globMatcher(pattern)(text);
}

/** `globMatch` with the pattern read once, for matching it against many texts. */
export function globMatcher(pattern: string): (text: string) => boolean {
  // A run of `*` means what one `*` does, and a pattern that needs more characters than a text has
  // cannot match it: so each text costs at most (2 × its length + 1) × its length, whatever the
  // pattern's length (a filter of a million stars is one star).
  const p = [...pattern.replace(/\*+/g, "*")];
  const needs = p.filter((c) => c !== "*").length;
  return (text) => {
    const t = [...text];
    if (needs > t.length) return false;
    // row[j]: whether p[0..i) matches t[0..j)
    let row = t.map(() => false);
    row.unshift(true);
    for (const c of p) {
      const next = row.map(() => false);
      next[0] = c === "*" && row[0] === true;
      for (let j = 1; j <= t.length; j++) {
        next[j] =
          c === "*"
            ? next[j - 1] === true || row[j] === true
            : row[j - 1] === true && (c === "?" || c === t[j - 1]);
      }
      row = next;
    }
    return row[t.length] === true;
  };
}
