/** The specification's health states. */
export type HealthState = "Healthy" | "Warning" | "Critical" | "Unknown";

/** Why a check failed: no answer in time, or an answer that says the service is not serving. */
export type CheckErrorCode = "PLUGIN_NOT_RESPONDING" | "SERVICE_UNAVAILABLE";

/** One health check of one plugin, as the monitor records it (one row of the history database). */
export interface HealthCheckRecord {
  plugin: string;
  /** When the check started, epoch milliseconds. */
  checked_at: number;
  /** True when the plugin answered that it serves. */
  available: boolean;
  latency_ms: number;
  error_code?: CheckErrorCode;
  error_message?: string;
}

/** The documented thresholds (docs/daemon.md, "Health states"). */
export interface HealthThresholds {
  /** How many of the latest checks the state is judged over. */
  window: number;
  /** A window whose newest check is older than this has no data: Unknown. */
  staleAfterMs: number;
  /** The median latency of the window's answered checks at or above this: Warning. */
  slowMs: number;
  /** Failed checks as a share of the window at or above this: Warning. */
  warningErrorRate: number;
  /** Failed checks as a share of the window at or above this: Critical. */
  criticalErrorRate: number;
  /** This many failed checks in a row, the newest included: Critical. */
  criticalConsecutive: number;
}

/** A reason in a health report: a catalogue code (core/codes/health-codes.ts) and where it comes from. */
export interface HealthReason {
  code:
    | CheckErrorCode
    | "PLUGIN_SLOW"
    | "PLUGIN_ERROR_RATE"
    | "DEPENDENCY_UNHEALTHY"
    | "DEPENDENCY_NOT_FOUND"
    | "HEALTH_NO_DATA"
    | "PLUGIN_NOT_MONITORED";
  severity: "error" | "warning" | "info";
  message: string;
  /** The plugin the reason is about: the plugin itself or one of its dependencies. */
  component: string;
}

/** Figures over the window of checks. */
export interface WindowStats {
  checks: number;
  failures: number;
  error_rate: number;
  p50_latency_ms?: number;
  p99_latency_ms?: number;
  last_check_at?: number;
  last_available?: boolean;
  last_error_code?: CheckErrorCode;
}

/** One plugin's judged health: its own state, and the state with its dependencies rolled in. */
export interface PluginHealth extends WindowStats {
  plugin: string;
  own_state: HealthState;
  state: HealthState;
  reasons: HealthReason[];
}
