/**
 * Turning untrusted registry strings into safe display text and links (SECURITY.md J5): Astro
 * escapes HTML; these helpers make bidi controls visible and refuse links that are not http(s).
 */

import { INVISIBLE_CHAR, replaceInvisible } from "../../core/text/invisible.ts";

/** Replaces each invisible character (core's one set) with a visible label such as `[U+202E]`. */
export function cleanText(value: string | undefined): string {
  if (value === undefined) return "";
  return replaceInvisible(value);
}

/** JSON for display: invisible characters become `\uXXXX` escapes, so the text stays valid JSON. */
export function displayJson(value: unknown): string {
  return replaceInvisible(JSON.stringify(value, null, 2), {
    render: (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`,
  });
}

/** The URL when it is an absolute http(s) URL without credentials; otherwise undefined (shown as text). */
export function safeHref(value: string | undefined): string | undefined {
  if (!value || INVISIBLE_CHAR.test(value)) return undefined;
  try {
    const url = new URL(value);
    if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password)
      return undefined;
    return url.href;
  } catch {
    return undefined;
  }
}

/** "owner/repo" → its GitHub URL; anything else → undefined. */
export function githubHref(repository: string): string | undefined {
  if (/^https?:\/\//.test(repository)) return safeHref(repository);
  return /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)
    ? `https://github.com/${repository}`
    : undefined;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2026-11-18T16:45:00Z" → "18 Nov 2026" (UTC, so rebuilds are byte-identical). */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return cleanText(iso);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** Shortens a long hex digest for tables; the full value stays in the title and the copy button. */
export function shortHash(hex: string | undefined): string {
  if (!hex) return "—";
  return hex.length > 16 ? `${hex.slice(0, 12)}…` : hex;
}

/** URL path under the base: `href(base, "plugins", name)` → "/base/plugins/name/". */
export function href(base: string, ...parts: string[]): string {
  const path = parts.map((p) => encodeURIComponent(p)).join("/");
  return path === "" ? base : `${base}${path}/`;
}
