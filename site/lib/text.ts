/**
 * Turning untrusted registry strings into safe display text and links (SECURITY.md J5): Astro
 * escapes HTML; the rules for hidden characters and links are core's (core/text/html.ts), the
 * same the PR comment and the CLI use for their targets.
 */

import { htmlJson, htmlText, safeHref } from "../../core/text/html.ts";

export { safeHref };

/** Hidden characters (bidi controls, zero-width, C0/C1 controls) become visible `[U+202E]` labels. */
export const cleanText = htmlText;

/** JSON for display: hidden characters become `\uXXXX` escapes, so the text stays valid JSON. */
export const displayJson = htmlJson;

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
