/** Bidirectional-text controls (Trojan Source, CVE-2021-42574) and other invisible format characters. */
const INVISIBLE = /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\u2028\u2029\uFEFF\u00AD]/g;

/**
 * Makes untrusted text (plugin names, file paths, finding messages quoting a manifest) inert in
 * GitHub markdown: HTML and markdown syntax are escaped, table pipes and newlines cannot break a
 * row, and invisible direction controls are shown as code points. A PR title `$(id)` or a
 * `<script>` stays text.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(INVISIBLE, (ch) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`)
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
  const clean = text.replace(
    INVISIBLE,
    (ch) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`,
  );
  return `\`${clean.replace(/`/g, "'").replace(/\r?\n/g, " ").replace(/\|/g, "\\|")}\``;
}
