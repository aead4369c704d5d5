/**
 * Plugin health as decisions over recorded checks: the thresholds, a plugin's own state from its
 * window of checks, and the roll-up of its dependencies' states. Pure functions: the daemon's
 * monitor, `CheckPluginHealth` and `health --watch` all judge through them.
 */

export {
  type AfterInstallCheck,
  type AfterInstallVerdict,
  afterInstallCheck,
  judgeAfterInstall,
  servicePort,
} from "./after-install.ts";
export type {
  CheckErrorCode,
  HealthCheckRecord,
  HealthReason,
  HealthState,
  HealthThresholds,
  PluginHealth,
  WindowStats,
} from "./health.types.ts";
export { judgeChecks, type ProbeOutcome, recordOf, windowStats } from "./judge.ts";
export { judgeAll, type MonitoredPlugin } from "./roll-up.ts";
export { DEFAULT_THRESHOLDS, thresholdsFor } from "./thresholds.ts";
