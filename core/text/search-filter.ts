/**
 * The one meaning of a search filter, for every source and for installed plugins: the spec's
 * glob form (`aws-*`, `*-cost-?`) is matched against the whole plugin name; plain text is a
 * case-insensitive substring of the name or any of the plugin's texts (description, keywords,
 * capabilities). The empty filter matches everything.
 */
export function matchesFilter(filter: string, name: string, texts: readonly string[] = []): boolean {
  const needle = filter.trim().toLowerCase();
  if (needle === "") return true;
  if (/[*?]/.test(needle)) return globMatch(needle, name.toLowerCase());
  return [name, ...texts].some((t) => t.toLowerCase().includes(needle));
}

/**
 * `*` any run of characters, `?` one character, everything else literal, over the whole text.
 * Dynamic programming over (pattern, text): O(pattern × text) whatever the pattern (no
 * backtracking regular expression built from user input).
 */
export function globMatch(pattern: string, text: string): boolean {
  const p = [...pattern];
  const t = [...text];
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
}
