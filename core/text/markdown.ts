import { HIDDEN, label } from "./code-points.ts";

/** A zero-width space as an entity: after `@` it stops a mention, inside `://` an autolink. */
const BREAK = "&#8203;";
/** Stands for BREAK while the text is rewritten (no NUL survives the first step). */
const MARK = "\u0000";

/**
 * Untrusted text (plugin names, paths, finding messages quoting a manifest) made inert in
 * GitHub-flavoured markdown, for the PR comment and the job summary:
 * - hidden characters (controls, bidi, zero-width) are shown as `[U+202E]` labels, and a
 *   newline cannot start a new block or table row;
 * - HTML cannot open a tag, markdown syntax cannot make a link, image, emphasis or table cell;
 * - GitHub's own text filters, which run after markdown and ignore backslash escapes, find
 *   nothing: no `@user` or `@org/team` mention (nobody is notified), no bare-URL or `www.`
 *   autolink, no `#123` or `owner/repo#123` reference (no cross-reference in another repository).
 */
export function markdownText(text: string): string {
  return text
    .replace(HIDDEN, (ch) => (ch === "\n" || ch === "\r" ? " " : label(ch)))
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_{}[\]()#+!|~])/g, "\\$1")
    .replace(/@/g, `@${MARK}`)
    .replace(/:\/\//g, `:${MARK}//`)
    .replace(/\b(www)\./gi, `$1${MARK}.`)
    .replace(/#(?=\d)/g, `#${MARK}`)
    .replace(/\b(GH)-(?=\d)/gi, `$1${MARK}-`)
    .replaceAll(MARK, BREAK);
}

/**
 * An inline code span for untrusted text: GitHub neither links nor mentions inside one. Backticks
 * cannot close it, a newline cannot end it, a pipe cannot split a table cell, hidden characters
 * are labelled.
 */
export function markdownCode(text: string): string {
  const clean = text.replace(HIDDEN, (ch) => (ch === "\n" || ch === "\r" ? " " : label(ch)));
  return `\`${clean.replace(/`/g, "'").replace(/\|/g, "\\|")}\``;
}

/** A markdown table; the caller escapes the cells. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
