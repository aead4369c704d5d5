import { HIDDEN, jsonEscape, label } from "./code-points.ts";

/**
 * Untrusted text for HTML pages (the site): hidden characters become `[U+202E]` labels. HTML
 * syntax itself is escaped by the template engine (Astro), never by hand.
 */
export function htmlText(value: string | undefined): string {
  return value === undefined ? "" : value.replace(HIDDEN, (ch) => (ch === "\n" ? ch : label(ch)));
}

/** JSON shown on a page: hidden characters become `\u202e` escapes, so the text stays valid JSON. */
export function htmlJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(HIDDEN, (ch) => (ch === "\n" ? ch : jsonEscape(ch)));
}

/** The URL when it is an absolute http(s) URL without credentials or hidden characters; else undefined. */
export function safeHref(value: string | undefined): string | undefined {
  if (!value) return undefined;
  HIDDEN.lastIndex = 0;
  if (HIDDEN.test(value)) return undefined;
  try {
    const url = new URL(value);
    if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password)
      return undefined;
    return url.href;
  } catch {
    return undefined;
  }
}
