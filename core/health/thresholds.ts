import type { HealthThresholds } from "./health.types.ts";

/**
 * The default thresholds (docs/daemon.md): the latest 10 checks; stale after three missed
 * intervals of the default 30 s; Warning at a median latency of 1 s or one failure in ten;
 * Critical at half the window failing or three failures in a row.
 */
export const DEFAULT_THRESHOLDS: HealthThresholds = {
  window: 10,
  staleAfterMs: 90_000,
  slowMs: 1000,
  warningErrorRate: 0.1,
  criticalErrorRate: 0.5,
  criticalConsecutive: 3,
};

/** Thresholds for a check interval: stale after three intervals (plus jitter), the rest default. */
export function thresholdsFor(
  intervalMs: number,
  overrides: Partial<HealthThresholds> = {},
): HealthThresholds {
  return { ...DEFAULT_THRESHOLDS, staleAfterMs: Math.max(3 * intervalMs * 1.2, 1000), ...overrides };
}
