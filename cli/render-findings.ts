import { countBySeverity, sortFindings } from "../core/findings.ts";
import type { Finding } from "../core/findings.types.ts";

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
 * findings, so editors and terminals can jump to each problem.
 */
export function renderFindings(findings: readonly Finding[]): string {
  return sortFindings(findings)
    .map((f) => {
      const where = f.line !== undefined ? `${f.file}:${f.line}:${f.column ?? 1}` : f.file;
      const at = f.pointer ? ` (at ${f.pointer})` : "";
      return `${where} ${f.severity} ${f.code} ${f.message}${at}\n`;
    })
    .join("");
}
