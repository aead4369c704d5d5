import type { Finding } from "../core/findings.types.ts";
import { terminalText } from "../core/text/terminal.ts";

/** Counts by severity. */
export function countFindings(findings: readonly Finding[]): {
  errors: number;
  warnings: number;
  infos: number;
} {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const f of findings) {
    if (f.severity === "error") errors++;
    else if (f.severity === "warning") warnings++;
    else infos++;
  }
  return { errors, warnings, infos };
}

/**
 * Compiler-style lines, `file:line:col severity CODE message (at pointer)`, sorted by file and
 * position, so editors and terminals can jump to each problem. File, message and pointer may
 * quote a manifest: they are made inert (no escape sequence, no line break).
 */
export function renderFindings(findings: readonly Finding[]): string {
  return [...findings]
    .sort(
      (a, b) =>
        a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
    )
    .map((f) => {
      const file = terminalText(f.file);
      const where = f.line !== undefined ? `${file}:${f.line}:${f.column ?? 1}` : file;
      const at = f.pointer ? ` (at ${terminalText(f.pointer)})` : "";
      return `${where} ${f.severity} ${f.code} ${terminalText(f.message)}${at}\n`;
    })
    .join("");
}
