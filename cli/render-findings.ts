import { codeInfo } from "../core/codes/codes.ts";
import { countBySeverity, sortFindings } from "../core/findings.ts";
import type { Finding, FindingCode } from "../core/findings.types.ts";
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

/**
 * Findings counted by code, one line each (`warning INSTALL_SCRIPT_PRESENT ×13 in 5 files: …`),
 * with the catalogue's meaning: for commands whose findings are not the point (a build that
 * publishes), so a registry's expected warnings do not bury the result. `validate` lists each.
 */
export function summariseWarnings(findings: readonly Finding[]): string {
  const byCode = new Map<string, Finding[]>();
  for (const f of sortFindings(findings)) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);
  const lines = [...byCode].map(([code, list]) => {
    const files = new Set(list.map((f) => f.file)).size;
    const meaning = codeInfo(code as FindingCode).meaning.replace(/`/g, "");
    return `${list[0]!.severity} ${code} ×${list.length} in ${files} file${files === 1 ? "" : "s"}: ${terminalText(meaning)}\n`;
  });
  return lines.length === 0 ? "" : `${lines.join("")}(finfocus-registry validate lists each one)\n`;
}
