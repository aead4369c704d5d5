import type { Finding, Severity } from "./findings.types.ts";

/** The lowest severity that fails a check: `error` (the default everywhere) or `warning` (`fail-on`). */
export type FailOn = "error" | "warning";

/**
 * The fail predicate: true when a finding reaches `failOn`. The gate, `validate`, `build` and the
 * runner all decide "does this fail?" with this one function.
 */
export function fails(finding: Pick<Finding, "severity">, failOn: FailOn = "error"): boolean {
  return finding.severity === "error" || (failOn === "warning" && finding.severity === "warning");
}

/** True when no finding fails at `failOn`. */
export function passes(findings: readonly Pick<Finding, "severity">[], failOn: FailOn = "error"): boolean {
  return !findings.some((f) => fails(f, failOn));
}

/** Only the findings that fail at `failOn`. */
export function failing<T extends Pick<Finding, "severity">>(
  findings: readonly T[],
  failOn: FailOn = "error",
): T[] {
  return findings.filter((f) => fails(f, failOn));
}

/** Counts by severity. */
export function countBySeverity(findings: readonly Pick<Finding, "severity">[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/**
 * The one order of findings in every report: by file (code units, never a locale), line, column,
 * code, then pointer, so two runs over the same input print the same lines.
 */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    cmp(a.file, b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    cmp(a.code, b.code) ||
    cmp(a.pointer, b.pointer)
  );
}

/** A sorted copy (see `compareFindings`). */
export function sortFindings<T extends Finding>(findings: readonly T[]): T[] {
  return [...findings].sort(compareFindings);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
