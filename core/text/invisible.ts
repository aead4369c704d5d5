/**
 * The one set of characters that make text read differently from what it is: C0 controls other
 * than tab, line feed and carriage return, DEL and the C1 controls; bidirectional embeddings,
 * overrides, isolates and marks (Trojan Source, CVE-2021-42574); zero-width and other invisible
 * format characters (soft hyphen, zero-width space and joiners, word joiner and invisible
 * operators, line and paragraph separators, deprecated format characters, the byte-order mark,
 * interlinear annotations). The manifest rule refuses them
 * (`UNSAFE_TEXT`); the site, the PR comment and the CLI show them as code points.
 */
const CLASS =
  "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u180e" +
  "\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb";

/** Matches one invisible character (not global: safe to share, no `lastIndex`). */
export const INVISIBLE_CHAR: RegExp = new RegExp(`[${CLASS}]`, "u");

/**
 * The same set plus tab, line feed and carriage return (global): what no one-line rendering of
 * untrusted text shows as itself. Each rendering target (core/text/*.ts) shows them its own way.
 */
export const INLINE: RegExp = new RegExp(`[${CLASS}\\t\\n\\r]`, "gu");
const BLOCK = new RegExp(`[${CLASS}]`, "gu");

/** `U+202E` for a character. */
export function codePointLabel(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** The first invisible character in `text` and its index, or undefined when there is none. */
export function findInvisible(text: string): { char: string; index: number } | undefined {
  const match = INVISIBLE_CHAR.exec(text);
  return match ? { char: match[0], index: match.index } : undefined;
}

/**
 * Replaces every invisible character with what `render` makes of it (default: `[U+XXXX]`).
 * With `inline`, tab, line feed and carriage return are replaced too (text meant for one line).
 */
export function replaceInvisible(
  text: string,
  options: { inline?: boolean; render?: (ch: string) => string } = {},
): string {
  const render = options.render ?? ((ch: string) => `[${codePointLabel(ch)}]`);
  return text.replace(options.inline ? INLINE : BLOCK, render);
}
