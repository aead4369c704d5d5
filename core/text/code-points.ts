import { codePointLabel, INLINE } from "./invisible.ts";

/**
 * The characters no rendering of untrusted text shows as themselves: core's one invisible set
 * (core/text/invisible.ts) plus tab, line feed and carriage return. Each rendering target
 * (core/text/*.ts) shows them its own visible way.
 */
export const HIDDEN: RegExp = INLINE;

/** `[U+202E]`: how people-facing text (the site, PR comments) names a hidden character. */
export function label(ch: string): string {
  return `[${codePointLabel(ch)}]`;
}

/** `\u202e`: how terminals and JSON name a hidden character (valid inside a JSON string). */
export function jsonEscape(ch: string): string {
  return `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`;
}
