import type { Finding } from "../core/findings.types.ts";

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
 * position, so editors and terminals can jump to each problem.
 */
export function renderFindings(findings: readonly Finding[]): string {
  return [...findings]
    .sort(
      (a, b) =>
        a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
    )
    .map((f) => {
      const where = f.line !== undefined ? `${f.file}:${f.line}:${f.column ?? 1}` : f.file;
      const at = f.pointer ? ` (at ${f.pointer})` : "";
      return `${where} ${f.severity} ${f.code} ${f.message}${at}\n`;
    })
    .join("");
}
