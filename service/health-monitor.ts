/**
 * The health monitor: checks every installed plugin that runs a service (its manifest names a
 * port) on an interval with jitter, through the runner's probe (grpc.health.v1, else Name(); TLS
 * when the manifest requires it), records each check in the history database, and answers with
 * core's judgement of the recorded window (core/health/). Nothing is judged here.
 */
import { servicePort } from "../core/health/after-install.ts";
import {
  type HealthCheckRecord,
  type HealthThresholds,
  judgeAll,
  judgeChecks,
  type MonitoredPlugin,
  type PluginHealth,
  recordOf,
  thresholdsFor,
} from "../core/health/index.ts";
import {
  checkHealth,
  checkLaunchedHealth,
  type HealthResult,
  type HealthTls,
  type InstalledPlugin,
  installedManifest,
  listInstalled,
} from "../runner/index.ts";
import type { Activity } from "./convert-info.ts";
import type { HealthStore, Retention } from "./health-store.ts";

export interface MonitorOptions {
  pluginDir: string;
  store: HealthStore;
  /** Between two checks of a plugin. Default 30 s. */
  intervalMs?: number;
  /** Each wait is the interval times 1 ± this, at random. Default 0.1. */
  jitter?: number;
  /** A check's deadline unless the manifest's runtime_requirements.timeout_seconds says otherwise. Default 5 s. */
  timeoutMs?: number;
  thresholds?: Partial<HealthThresholds>;
  retention?: Retention;
  /** CA and client certificate for plugins that require TLS. */
  tls?: HealthTls;
  /**
   * Check plugins without a service port by starting them the way the FinFocus CLI does (the
   * runner's launcher), when a client asks for a check now. Off by default.
   */
  launchUnported?: boolean;
  /** Judge only, never check (readers such as `health --watch`); `start` is then not called. */
  passive?: boolean;
  /** Called after every check (metrics). */
  onCheck?: (record: HealthCheckRecord, health: PluginHealth | undefined) => void;
  /** Where a failure of the monitor's own work is told (a check it could not record, a prune). */
  log?: (line: string) => void;
  now?: () => number;
}

interface Target {
  plugin: InstalledPlugin;
  monitored: boolean;
  timeoutMs: number;
  timer?: NodeJS.Timeout;
}

/** Schedules checks, records them, and judges from the history. */
export class HealthMonitor {
  readonly #options: MonitorOptions;
  readonly #targets = new Map<string, Target>();
  readonly #running = new Set<Promise<unknown>>();
  readonly thresholds: HealthThresholds;
  #stopped = false;
  /** The latest judgement, reused for up to a second until a check or a rescan changes its input. */
  #judged: { at: number; value: PluginHealth[] } | undefined;
  #pruner?: NodeJS.Timeout;
  #rescan?: NodeJS.Timeout;

  constructor(options: MonitorOptions) {
    this.#options = options;
    this.thresholds = thresholdsFor(this.#interval(), options.thresholds);
  }

  #interval(): number {
    return this.#options.intervalMs ?? 30_000;
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }

  /** Starts checking (the first check of each plugin within one interval) and pruning hourly. */
  async start(): Promise<void> {
    this.#options.store.saveThresholds(this.thresholds);
    await this.refresh();
    this.#options.store.prune(this.#now(), this.#options.retention);
    this.#pruner = setInterval(() => {
      try {
        this.#options.store.prune(this.#now(), this.#options.retention);
      } catch (error) {
        this.#failed("pruning the health history", error);
      }
    }, 3600_000);
    this.#pruner.unref();
    // Installs and removals made outside the daemon (the CLI) are picked up within an interval.
    this.#rescan = setInterval(() => void this.refresh().catch(() => undefined), this.#interval());
    this.#rescan.unref();
  }

  /** Follows installs and removals: new plugins are scheduled, removed ones dropped. */
  async refresh(): Promise<void> {
    const installed = await listInstalled(this.#options.pluginDir);
    const seen = new Set<string>();
    for (const plugin of installed) {
      seen.add(plugin.name);
      const known = this.#targets.get(plugin.name);
      if (known?.plugin.install_id === plugin.install_id) continue;
      if (known?.timer) clearTimeout(known.timer);
      const manifest = await installedManifest(plugin).catch(() => undefined);
      const seconds = manifest?.requirements?.runtime_requirements?.timeout_seconds;
      const target: Target = {
        plugin,
        monitored: servicePort(manifest) !== undefined,
        timeoutMs: seconds ? seconds * 1000 : (this.#options.timeoutMs ?? 5000),
      };
      this.#targets.set(plugin.name, target);
      this.#judged = undefined;
      if (target.monitored && !this.#stopped && !this.#options.passive)
        this.#schedule(target, Math.random() * this.#interval());
    }
    for (const [name, target] of this.#targets) {
      if (seen.has(name)) continue;
      if (target.timer) clearTimeout(target.timer);
      this.#targets.delete(name);
      this.#judged = undefined;
    }
  }

  #schedule(target: Target, delay: number): void {
    target.timer = setTimeout(() => {
      if (this.#stopped || this.#targets.get(target.plugin.name) !== target) return;
      // What runs on a timer must not reject: nothing would handle it, and the daemon would end.
      const checked = this.#check(target).catch((error: unknown) =>
        this.#failed(`the health check of ${target.plugin.name}`, error),
      );
      void this.#track(checked).finally(() => {
        const jitter = this.#options.jitter ?? 0.1;
        const wait = this.#interval() * (1 + jitter * (2 * Math.random() - 1));
        if (!this.#stopped && this.#targets.get(target.plugin.name) === target) this.#schedule(target, wait);
      });
    }, delay);
    target.timer.unref();
  }

  /** A failure of the monitor's own work on a timer (the plugin's failures are checks, recorded). */
  #failed(what: string, error: unknown): void {
    this.#options.log?.(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#running.add(work);
    return work.finally(() => this.#running.delete(work));
  }

  async #check(target: Target, timeoutMs = target.timeoutMs): Promise<void> {
    const name = target.plugin.name;
    const started = this.#now();
    let result: HealthResult;
    if (target.monitored) {
      result = await checkHealth({
        target: name,
        pluginDir: this.#options.pluginDir,
        timeoutMs,
        slowMs: Number.MAX_SAFE_INTEGER,
        ...(this.#options.tls ? { tls: this.#options.tls } : {}),
      }).catch((error: Error) => failed(name, error));
    } else {
      result = await checkLaunchedHealth({
        name,
        pluginDir: this.#options.pluginDir,
        timeoutMs,
        slowMs: Number.MAX_SAFE_INTEGER,
      }).catch((error: Error) => failed(name, error));
    }
    if (this.#stopped) return;
    const record = recordOf(name, started, result);
    this.#options.store.record(record);
    this.#judged = undefined;
    this.#options.onCheck?.(record, await this.health(name));
  }

  /** Checks `name` now (a client asked), then answers with its judged health. */
  async checkNow(name: string, timeoutMs: number): Promise<PluginHealth | undefined> {
    await this.refresh();
    const target = this.#targets.get(name);
    if (!target) return undefined;
    if (this.#options.passive) return this.health(name);
    if (target.monitored || this.#options.launchUnported) await this.#track(this.#check(target, timeoutMs));
    return this.health(name);
  }

  /** The folder of an installed plugin, as the monitor last saw it. */
  async installedPath(name: string): Promise<string | undefined> {
    if (!this.#targets.has(name)) await this.refresh();
    return this.#targets.get(name)?.plugin.path;
  }

  /** Every installed plugin's judged health, dependencies rolled in. */
  all(): PluginHealth[] {
    const now = this.#now();
    if (this.#judged && now - this.#judged.at < 1000) return this.#judged.value;
    const plugins: MonitoredPlugin[] = [...this.#targets.values()].map((t) => ({
      name: t.plugin.name,
      dependencies: t.plugin.dependencies,
      monitored: t.monitored,
    }));
    const history = this.#options.store.recentAll(this.thresholds.window);
    const value = judgeAll(plugins, history, this.thresholds, now);
    this.#judged = { at: now, value };
    return value;
  }

  /** One plugin's judged health (its dependencies' included), or undefined when it is not installed. */
  async health(name: string): Promise<PluginHealth | undefined> {
    if (!this.#targets.has(name)) await this.refresh();
    return this.all().find((h) => h.plugin === name);
  }

  /**
   * ACTIVE when its service answered the last check, INACTIVE when it did not (or the data is
   * stale), else just installed. From each plugin's own recent checks, judged by core: a listing
   * needs no dependency roll-up, so it costs one small query per plugin listed.
   */
  activity(names: readonly string[]): Map<string, Activity> {
    const out = new Map<string, Activity>();
    const now = this.#now();
    for (const name of names) {
      const records = this.#targets.get(name)?.monitored
        ? this.#options.store.recent(name, this.thresholds.window)
        : [];
      // No check recorded: nothing for core to judge (its verdict on no data has no last answer).
      if (records.length === 0) {
        out.set(name, "unmonitored");
        continue;
      }
      const own = judgeChecks(name, records, this.thresholds, now);
      out.set(
        name,
        own.stats.last_available === undefined
          ? "unmonitored"
          : own.stats.last_available && own.state !== "Unknown"
            ? "active"
            : "inactive",
      );
    }
    return out;
  }

  /** Stops scheduling and waits for checks under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#pruner) clearInterval(this.#pruner);
    if (this.#rescan) clearInterval(this.#rescan);
    for (const target of this.#targets.values()) if (target.timer) clearTimeout(target.timer);
    await Promise.allSettled([...this.#running]);
  }
}

/** A probe that could not even start (the manifest unreadable, the folder gone): a failed check. */
function failed(name: string, error: Error): HealthResult {
  return {
    target: name,
    address: "",
    status: "Critical",
    healthy: false,
    response_time_ms: 0,
    checked_at: new Date().toISOString(),
    error: error.message,
  };
}
