import { codePointLabel, replaceInvisible } from "../../core/text/invisible.ts";

/** Invisible characters (core's one set) shown as their code points. */
const visible = (text: string): string => replaceInvisible(text, { render: codePointLabel });

/**
 * Makes untrusted text (plugin names, file paths, finding messages quoting a manifest) inert in
 * GitHub markdown: HTML and markdown syntax are escaped, table pipes and newlines cannot break a
 * row, and invisible direction controls are shown as code points. A PR title `$(id)` or a
 * `<script>` stays text.
 */
export function escapeMarkdown(text: string): string {
  return visible(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_{}[\]()#+!|~])/g, "\\$1")
    .replace(/\r?\n/g, " ");
}

/** A markdown table with escaped cells. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** An inline code span for untrusted text: backticks and invisible controls cannot escape it. */
export function code(text: string): string {
  return `\`${visible(text).replace(/`/g, "'").replace(/\r?\n/g, " ").replace(/\|/g, "\\|")}\``;
}
