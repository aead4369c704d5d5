/**
 * The characters no rendering of untrusted text shows as themselves: C0 and C1 controls, DEL,
 * bidirectional embeddings, overrides, isolates and marks (Trojan Source, CVE-2021-42574), and
 * invisible format characters (zero-width spaces and joiners, the word joiner and invisible
 * operators, line and paragraph separators, the soft hyphen, the BOM, interlinear annotations).
 * Each rendering target (core/text/*.ts) shows them its own visible way.
 */
// biome-ignore lint/complexity/useRegexLiterals: a literal would need control characters that the linter refuses
export const HIDDEN = new RegExp(
  "[\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb]",
  "gu",
);

/** `[U+202E]`: how people-facing text (the site, PR comments) names a hidden character. */
export function label(ch: string): string {
  return `[U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}]`;
}

/** `\u202e`: how terminals and JSON name a hidden character (valid inside a JSON string). */
export function jsonEscape(ch: string): string {
  return `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`;
}
