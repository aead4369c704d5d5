import type { CodeInfo } from "./codes.types.ts";

/**
 * The codes of health reports: why a plugin is Warning, Critical or Unknown, as the daemon's
 * `CheckPluginHealth` (`health_errors`), `health --watch` and the history database carry them.
 * They are judged in one place, core/health/, from the recorded checks. Spec codes where one fits
 * (PLUGIN_NOT_RESPONDING, SERVICE_UNAVAILABLE).
 */
export const HEALTH_CODES = {
  PLUGIN_NOT_RESPONDING: {
    section: "health",
    severity: "error",
    meaning: "the plugin did not answer its health check in time (nothing listening, or too slow to answer)",
  },
  SERVICE_UNAVAILABLE: {
    section: "health",
    severity: "error",
    meaning: "the plugin answered that it is not serving, or its health call failed",
  },
  PLUGIN_SLOW: {
    section: "health",
    severity: "warning",
    meaning: "the median response time over the window of checks is above the latency threshold",
  },
  PLUGIN_ERROR_RATE: {
    section: "health",
    severity: "warning",
    meaning: "some checks in the window failed: the share of failures is above the warning threshold",
  },
  DEPENDENCY_UNHEALTHY: {
    section: "health",
    severity: "warning",
    meaning: "a plugin this one depends on is Warning or Critical, so this one is at least as bad",
  },
  HEALTH_NO_DATA: {
    section: "health",
    severity: "info",
    meaning: "no recent check: the daemon has not checked the plugin yet, or its last check is stale",
  },
  PLUGIN_NOT_MONITORED: {
    section: "health",
    severity: "info",
    meaning:
      "the manifest names no service port (the FinFocus CLI starts the plugin on demand): not checked on an interval",
  },
} as const satisfies Record<string, CodeInfo>;
