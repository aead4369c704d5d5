import { countBySeverity, sortFindings } from "../core/findings.ts";
import type { Finding } from "../core/findings.types.ts";
import { terminalText } from "../core/text/terminal.ts";

/** Counts by severity. */
export function countFindings(findings: readonly Finding[]): {
  errors: number;
  warnings: number;
  infos: number;
} {
  const counts = countBySeverity(findings);
  return { errors: counts.error, warnings: counts.warning, infos: counts.info };
}

/**
 * Compiler-style lines, `file:line:col severity CODE message (at pointer)`, in core's one order of
 * findings, so editors and terminals can jump to each problem. File, message and pointer may
 * quote a manifest: they are made inert (no escape sequence, no line break).
 */
export function renderFindings(findings: readonly Finding[]): string {
  return sortFindings(findings)
    .map((f) => {
      const file = terminalText(f.file);
      const where = f.line !== undefined ? `${file}:${f.line}:${f.column ?? 1}` : file;
      const at = f.pointer ? ` (at ${terminalText(f.pointer)})` : "";
      return `${where} ${f.severity} ${f.code} ${terminalText(f.message)}${at}\n`;
    })
    .join("");
}
