import type { Finding, Severity } from "./findings.types.ts";

/**
 * Most findings reported for one file. A file under the size cap can hold hundreds of thousands
 * of problems (a duplicated key repeated, an unknown field repeated); nobody reads past the first
 * hundred, and each one costs a position lookup. The rest are counted in one FINDINGS_TRUNCATED
 * finding, whose severity is the worst of those it stands for, so a file never passes because its
 * errors were left out.
 */
export const MAX_FINDINGS_PER_FILE = 100;

const RANK: Record<Severity, number> = { error: 2, warning: 1, info: 0 };

/**
 * Appends `items` to `target` one at a time and returns `target`. `target.push(...items)` passes
 * every item as an argument and overflows the call stack past about a hundred thousand.
 */
export function append<T>(target: T[], items: readonly T[]): T[] {
  for (const item of items) target.push(item);
  return target;
}

/** The one finding that stands for `omitted` findings of `file` left out after the first `kept`. */
export function truncatedFinding(file: string, omitted: number, severity: Severity, kept: number): Finding {
  return {
    code: "FINDINGS_TRUNCATED",
    severity,
    message: `${omitted} more finding${omitted === 1 ? "" : "s"} in this file not shown (the first ${kept} are): fix those and validate again`,
    file,
    pointer: "",
  };
}

/**
 * Collects findings of one file up to a cap, counting the rest (with their worst severity)
 * without keeping them: memory stays bounded however many problems the input has.
 */
export class FindingCollector {
  readonly findings: Finding[] = [];
  readonly #max: number;
  #omitted = 0;
  #omittedSeverity: Severity = "info";

  constructor(max = MAX_FINDINGS_PER_FILE) {
    this.#max = max;
  }

  /** False once the cap is reached: a caller may then skip building findings it would drop. */
  get open(): boolean {
    return this.findings.length < this.#max;
  }

  add(finding: Finding): void {
    if (this.findings.length < this.#max) this.findings.push(finding);
    else this.#count(finding.severity);
  }

  /** Counts a finding that the caller did not build because the collector is full. */
  skip(severity: Severity): void {
    this.#count(severity);
  }

  addAll(findings: readonly Finding[]): void {
    for (const finding of findings) this.add(finding);
  }

  /** The kept findings, plus one FINDINGS_TRUNCATED finding for `file` when some were left out. */
  result(file: string): Finding[] {
    if (this.#omitted === 0) return this.findings;
    return [...this.findings, truncatedFinding(file, this.#omitted, this.#omittedSeverity, this.#max)];
  }

  #count(severity: Severity): void {
    this.#omitted++;
    if (RANK[severity] > RANK[this.#omittedSeverity]) this.#omittedSeverity = severity;
  }
}

/**
 * Keeps at most `max` findings of each file, in order, and adds one FINDINGS_TRUNCATED finding for
 * each file that had more (the findings are then grouped by file).
 */
export function capPerFile(findings: readonly Finding[], max = MAX_FINDINGS_PER_FILE): Finding[] {
  const byFile = new Map<string, FindingCollector>();
  let truncated = false;
  for (const finding of findings) {
    let collector = byFile.get(finding.file);
    if (!collector) {
      collector = new FindingCollector(max);
      byFile.set(finding.file, collector);
    }
    if (!collector.open) truncated = true;
    collector.add(finding);
  }
  if (!truncated) return findings.slice();
  if (byFile.size === 1) {
    const [file, collector] = [...byFile][0] as [string, FindingCollector];
    return collector.result(file);
  }
  const out: Finding[] = [];
  for (const [file, collector] of byFile) append(out, collector.result(file));
  return out;
}

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
/** What makes two findings the same finding (code, file, pointer and message), as one string. */
export function findingKey(f: Pick<Finding, "code" | "file" | "pointer" | "message">): string {
  return `${f.code}\u0000${f.file}\u0000${f.pointer}\u0000${f.message}`;
}

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
