import type {
  HealthCheckRecord,
  HealthReason,
  HealthState,
  HealthThresholds,
  PluginHealth,
  WindowStats,
} from "./health.types.ts";
import { judgeChecks } from "./judge.ts";

/** An installed plugin as the roll-up needs it: its dependencies and whether it runs a service. */
export interface MonitoredPlugin {
  name: string;
  dependencies: readonly { name: string; optional: boolean }[];
  /** False when the manifest names no service port: never checked on an interval. */
  monitored: boolean;
}

const RANK: Record<Exclude<HealthState, "Unknown">, number> = { Healthy: 0, Warning: 1, Critical: 2 };

function worse(a: HealthState, b: HealthState): HealthState {
  if (a === "Unknown" || b === "Unknown") return a;
  return RANK[b] > RANK[a] ? b : a;
}

/**
 * Every plugin's health with its dependencies' rolled in (docs/daemon.md): a required dependency
 * that is Warning or Critical makes the plugin at least as bad, an optional one at most Warning; a
 * required dependency that is not installed is Critical; a dependency whose state is Unknown adds
 * a note and changes nothing; a plugin whose own state is Unknown stays Unknown (nothing to judge).
 * Cycles are cut where they close. Pure: the daemon, `health --watch` and the tests agree.
 */
export function judgeAll(
  plugins: readonly MonitoredPlugin[],
  history: ReadonlyMap<string, readonly HealthCheckRecord[]>,
  thresholds: HealthThresholds,
  now: number,
): PluginHealth[] {
  const byName = new Map(plugins.map((p) => [p.name, p]));
  const own = new Map<string, { state: HealthState; reasons: HealthReason[]; stats: WindowStats }>();
  for (const p of plugins) {
    if (p.monitored) own.set(p.name, judgeChecks(p.name, history.get(p.name) ?? [], thresholds, now));
    else {
      const reason: HealthReason = {
        code: "PLUGIN_NOT_MONITORED",
        severity: "info",
        message: `${p.name} names no service port: the FinFocus CLI starts it on demand`,
        component: p.name,
      };
      const judged = judgeChecks(p.name, history.get(p.name) ?? [], thresholds, now);
      own.set(p.name, {
        ...judged,
        reasons: [reason, ...judged.reasons.filter((r) => r.code !== "HEALTH_NO_DATA")],
      });
    }
  }
  const done = new Map<string, PluginHealth>();
  const visit = (name: string, path: Set<string>): PluginHealth | undefined => {
    const known = done.get(name);
    if (known) return known;
    const plugin = byName.get(name);
    const mine = own.get(name);
    if (!plugin || !mine || path.has(name)) return undefined;
    path.add(name);
    let state = mine.state;
    const reasons = [...mine.reasons];
    for (const dep of plugin.dependencies) {
      const theirs = visit(dep.name, path);
      if (!theirs) {
        if (!byName.has(dep.name) && !dep.optional) {
          reasons.push({
            code: "DEPENDENCY_NOT_FOUND",
            severity: "error",
            message: `${name} needs ${dep.name}, which is not installed`,
            component: dep.name,
          });
          state = worse(state, "Critical");
        }
        continue;
      }
      if (theirs.state === "Healthy") continue;
      const severity =
        theirs.state === "Critical" && !dep.optional
          ? "error"
          : theirs.state === "Unknown"
            ? "info"
            : "warning";
      reasons.push({
        code: theirs.state === "Unknown" ? "HEALTH_NO_DATA" : "DEPENDENCY_UNHEALTHY",
        severity,
        message: `${name} depends on ${dep.name}, which is ${theirs.state}`,
        component: dep.name,
      });
      if (theirs.state !== "Unknown") state = worse(state, dep.optional ? "Warning" : theirs.state);
    }
    path.delete(name);
    const result: PluginHealth = { plugin: name, own_state: mine.state, state, reasons, ...mine.stats };
    done.set(name, result);
    return result;
  };
  return plugins
    .map((p) => visit(p.name, new Set()))
    .filter((h): h is PluginHealth => h !== undefined)
    .sort((a, b) => a.plugin.localeCompare(b.plugin));
}
