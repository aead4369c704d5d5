/**
 * The daemon's health as a reader sees it (`finfocus-registry health --watch`): the history
 * database opened read-only, judged by core with the thresholds the daemon saved there, so the
 * reader and the daemon agree. Nothing is checked from here.
 */
import { existsSync } from "node:fs";
import type { PluginHealth } from "../core/health/index.ts";
import { RunnerError } from "../runner/index.ts";
import { HealthMonitor } from "./health-monitor.ts";
import { HealthStore, healthDbPath } from "./health-store.ts";

/** Every installed plugin's judged health, from the daemon's history under `pluginDir`. */
export async function readHealth(pluginDir: string): Promise<PluginHealth[]> {
  const file = healthDbPath(pluginDir);
  if (!existsSync(file)) {
    throw new RunnerError(
      "USAGE",
      `No health history at ${file}: start 'finfocus-registry daemon' (it checks plugins and records the results)`,
      { file },
    );
  }
  const store = new HealthStore(file, { readOnly: true });
  try {
    const thresholds = store.thresholds();
    const monitor = new HealthMonitor({
      pluginDir,
      store,
      passive: true,
      ...(thresholds ? { thresholds } : {}),
    });
    await monitor.refresh();
    return monitor.all();
  } finally {
    store.close();
  }
}
