import type { PluginHealth } from "../../core/health/index.ts";
import { checkHealth, type HealthResult } from "../../runner/health/health.ts";
import { checkLaunchedHealth } from "../../runner/health/launched-health.ts";
import type { CliIO, Format } from "../command.types.ts";
import { defineCommand } from "../define-command.ts";
import { UsageError } from "../errors.ts";
import { output, printable } from "../output.ts";
import { contextFromArgs, RUNNER_OPTIONS } from "../runner-cli.ts";

/** A positive whole number of milliseconds from an option, or a usage error naming it. */
function millis(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new UsageError(`--${name} takes milliseconds`);
  return Number(value);
}

export const healthCommand = defineCommand({
  name: "health",
  summary: "check a plugin: grpc.health.v1, else its Name() (--launch: start it as FinFocus does)",
  args: "NAME|HOST:PORT (or [NAME…] with --watch)",
  description: `Calls grpc.health.v1.Health/Check on the plugin's port (from its manifest) or HOST:PORT; when the
plugin does not serve that service (plugins built with the FinFocus SDK do not), the cost-source
service's Name() is the probe. --launch starts the installed plugin NAME the way the FinFocus CLI
does (its latest version folder's binary, --port=N, FINFOCUS_PLUGIN_PORT=N), probes it, stops it.
Healthy, Warning (slower than --slow), Critical (not serving, or did not start), Unknown (no answer).
--watch shows the states the daemon's continuous monitoring records (docs/daemon.md), every
--every seconds until Ctrl-C (--format json: one JSON document a line).`,
  options: {
    launch: {
      type: "boolean",
      help: "start the installed plugin as the FinFocus CLI does, inside its sandbox, probe it, stop it",
    },
    "no-sandbox": {
      type: "boolean",
      help: "with --launch: start it without the sandbox, as `run --no-sandbox` (refused for sandbox_required)",
    },
    timeout: { type: "string", value: "MS", help: "give up after this long" },
    slow: { type: "string", value: "MS", help: "Warning when slower than this (default 1000)" },
    service: { type: "string", value: "NAME", help: "the service name to ask about" },
    watch: { type: "boolean", help: "show the daemon's monitored states, live" },
    every: { type: "string", value: "SECONDS", help: "with --watch: between two screens (default 2)" },
    count: { type: "string", value: "N", help: "with --watch: stop after N screens" },
    ...RUNNER_OPTIONS,
  },
  exit: "0 Healthy or Warning (with --watch: every plugin on the last screen), 1 Critical or Unknown, 2 usage error",
  async run({ values, positionals, format, io }) {
    if (values.watch) {
      if (values.launch || values.service)
        throw new UsageError("--watch does not combine with --launch or --service");
      const every = values.every === undefined ? 2 : Number(values.every);
      if (!(every > 0)) throw new UsageError("--every takes seconds");
      const count = values.count === undefined ? Number.POSITIVE_INFINITY : Number(values.count);
      if (!Number.isInteger(count) && count !== Number.POSITIVE_INFINITY)
        throw new UsageError("--count takes a number");
      if (count <= 0) throw new UsageError("--count takes a number");
      const context = await contextFromArgs(values, io);
      const last = await watch(context.pluginDir, positionals, every * 1000, count, format, io);
      return last.some((h) => h.state === "Critical" || h.state === "Unknown") ? 1 : 0;
    }
    const [target] = positionals;
    if (!target || positionals.length > 1) throw new UsageError("name a plugin or HOST:PORT");
    if (values.launch && values.service) throw new UsageError("--launch and --service do not combine");
    if (values["no-sandbox"] && !values.launch) throw new UsageError("--no-sandbox needs --launch");
    const timeoutMs = millis(values.timeout, "timeout");
    const slowMs = millis(values.slow, "slow");
    const timing = { ...(timeoutMs ? { timeoutMs } : {}), ...(slowMs ? { slowMs } : {}) };
    const context = await contextFromArgs(values, io);
    const result: HealthResult = values.launch
      ? await checkLaunchedHealth({
          name: target,
          pluginDir: context.pluginDir,
          ...timing,
          ...(values["no-sandbox"] ? { noSandbox: true } : {}),
        })
      : await checkHealth({
          target,
          pluginDir: context.pluginDir,
          ...timing,
          ...(values.service ? { service: values.service } : {}),
        });
    // A plugin started without a sandbox: its permissions were not enforced (docs/sandbox.md).
    if ("warning" in result && typeof result.warning === "string") io.stderr(`${result.warning}\n`);
    output(
      io,
      format,
      result,
      () =>
        `${result.target} (${result.address || "not started"}): ${result.status} in ${result.response_time_ms} ms${result.probe ? ` via ${result.probe}` : ""}${result.error ? ` (${result.error})` : ""}\n`,
    );
    return result.status === "Healthy" || result.status === "Warning" ? 0 : 1;
  },
});

const pad = (text: string, width: number) => text.padEnd(width);

/** One screen of states. */
function screen(health: PluginHealth[]): string {
  if (health.length === 0) return "no plugins installed\n";
  const rows = health.map((h) => {
    const latency = h.p50_latency_ms === undefined ? "-" : `${Math.round(h.p50_latency_ms)} ms`;
    const last = h.last_check_at === undefined ? "never" : new Date(h.last_check_at).toISOString();
    const why = h.reasons.map((r) => r.code).join(", ");
    return `${pad(printable(h.plugin), 24)} ${pad(h.state, 8)} ${pad(latency, 9)} ${pad(`${Math.round(h.error_rate * 100)}%`, 6)} ${pad(last, 24)} ${why}`;
  });
  return `${pad("PLUGIN", 24)} ${pad("STATE", 8)} ${pad("P50", 9)} ${pad("ERRORS", 6)} ${pad("LAST CHECK", 24)} WHY\n${rows.join("\n")}\n`;
}

/**
 * Prints the recorded states every `everyMs` until `count` screens or SIGINT/SIGTERM; returns the
 * last screen's.
 */
async function watch(
  pluginDir: string,
  names: string[],
  everyMs: number,
  count: number,
  format: Format,
  io: CliIO,
): Promise<PluginHealth[]> {
  let stopped = false;
  let wake: (() => void) | undefined;
  const stop = () => {
    stopped = true;
    wake?.();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  // Loaded here: the history is node:sqlite (Node 22.5 and newer); one-off checks run on Node 20.
  const { readHealth } = await import("../../service/health-view.ts");
  let health: PluginHealth[] = [];
  try {
    for (let n = 0; n < count && !stopped; n++) {
      health = (await readHealth(pluginDir)).filter((h) => names.length === 0 || names.includes(h.plugin));
      if (format === "json")
        io.stdout(`${JSON.stringify({ at: new Date().toISOString(), plugins: health })}\n`);
      else io.stdout(`${io.isTTY ? "\x1b[H\x1b[2J" : n > 0 ? "\n" : ""}${screen(health)}`);
      if (n + 1 < count && !stopped) {
        await new Promise<void>((done) => {
          const timer = setTimeout(done, everyMs);
          wake = () => {
            clearTimeout(timer);
            done();
          };
        });
      }
    }
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
  return health;
}
