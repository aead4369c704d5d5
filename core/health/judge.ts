import type {
  CheckErrorCode,
  HealthCheckRecord,
  HealthReason,
  HealthState,
  HealthThresholds,
  WindowStats,
} from "./health.types.ts";

/** What a probe reports (the runner's health result), as far as the judgement needs it. */
export interface ProbeOutcome {
  /** The probe's reading of one answer: Healthy or Warning answered SERVING; Critical answered otherwise; Unknown did not answer. */
  status: HealthState;
  response_time_ms: number;
  error?: string;
}

/** The record of one probe: answered and serving, or failed with the code that says how. */
export function recordOf(plugin: string, checkedAt: number, outcome: ProbeOutcome): HealthCheckRecord {
  const available = outcome.status === "Healthy" || outcome.status === "Warning";
  const code: CheckErrorCode | undefined = available
    ? undefined
    : outcome.status === "Unknown"
      ? "PLUGIN_NOT_RESPONDING"
      : "SERVICE_UNAVAILABLE";
  return {
    plugin,
    checked_at: checkedAt,
    available,
    latency_ms: outcome.response_time_ms,
    ...(code ? { error_code: code } : {}),
    ...(!available && outcome.error ? { error_message: outcome.error } : {}),
  };
}

function percentile(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/** Figures over the latest `window` checks (`records` in any order). */
export function windowStats(records: readonly HealthCheckRecord[], window: number): WindowStats {
  const latest = [...records].sort((a, b) => b.checked_at - a.checked_at).slice(0, window);
  const failures = latest.filter((r) => !r.available).length;
  const latencies = latest
    .filter((r) => r.available)
    .map((r) => r.latency_ms)
    .sort((a, b) => a - b);
  const newest = latest[0];
  const p50 = percentile(latencies, 0.5);
  const p99 = percentile(latencies, 0.99);
  return {
    checks: latest.length,
    failures,
    error_rate: latest.length === 0 ? 0 : failures / latest.length,
    ...(p50 !== undefined ? { p50_latency_ms: p50 } : {}),
    ...(p99 !== undefined ? { p99_latency_ms: p99 } : {}),
    ...(newest ? { last_check_at: newest.checked_at, last_available: newest.available } : {}),
    ...(newest?.error_code ? { last_error_code: newest.error_code } : {}),
  };
}

/**
 * A plugin's own state from its recent checks (docs/daemon.md, "Health states"), in this order:
 * Unknown when there is no check or the newest is older than `staleAfterMs`; Critical when the
 * newest `criticalConsecutive` checks all failed, every check of the window failed, or the
 * failures reach `criticalErrorRate`; Warning when they reach `warningErrorRate` or the median
 * latency of answered checks reaches `slowMs`; Healthy otherwise.
 */
export function judgeChecks(
  plugin: string,
  records: readonly HealthCheckRecord[],
  thresholds: HealthThresholds,
  now: number,
): { state: HealthState; reasons: HealthReason[]; stats: WindowStats } {
  const stats = windowStats(records, thresholds.window);
  const reasons: HealthReason[] = [];
  if (stats.last_check_at === undefined || now - stats.last_check_at > thresholds.staleAfterMs) {
    const message =
      stats.last_check_at === undefined
        ? `${plugin} has not been checked yet`
        : `${plugin}'s last check is ${Math.round((now - stats.last_check_at) / 1000)} s old`;
    reasons.push({ code: "HEALTH_NO_DATA", severity: "info", message, component: plugin });
    return { state: "Unknown", reasons, stats };
  }
  const newest = [...records].sort((a, b) => b.checked_at - a.checked_at);
  let streak = 0;
  while (streak < newest.length && newest[streak]?.available === false) streak++;
  if (streak > 0) {
    const last = newest[0]!;
    reasons.push({
      code: last.error_code ?? "SERVICE_UNAVAILABLE",
      severity: "error",
      message: `${plugin}: ${streak} failed check(s) in a row${last.error_message ? ` (${last.error_message})` : ""}`,
      component: plugin,
    });
  }
  const critical =
    (streak > 0 && (streak >= thresholds.criticalConsecutive || stats.failures === stats.checks)) ||
    stats.error_rate >= thresholds.criticalErrorRate;
  if (critical) return { state: "Critical", reasons, stats };
  if (stats.failures > 0 && stats.error_rate >= thresholds.warningErrorRate) {
    reasons.push({
      code: "PLUGIN_ERROR_RATE",
      severity: "warning",
      message: `${plugin}: ${stats.failures} of the last ${stats.checks} checks failed`,
      component: plugin,
    });
  }
  if (stats.p50_latency_ms !== undefined && stats.p50_latency_ms >= thresholds.slowMs) {
    reasons.push({
      code: "PLUGIN_SLOW",
      severity: "warning",
      message: `${plugin}: median response ${stats.p50_latency_ms} ms (threshold ${thresholds.slowMs} ms)`,
      component: plugin,
    });
  }
  return { state: reasons.some((r) => r.severity !== "info") ? "Warning" : "Healthy", reasons, stats };
}
