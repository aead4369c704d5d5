import { checkHealth, type HealthResult } from "../../runner/health/health.ts";
import { checkLaunchedHealth } from "../../runner/health/launched-health.ts";
import { defineCommand } from "../define-command.ts";
import { UsageError } from "../errors.ts";
import { output } from "../output.ts";
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
  args: "NAME|HOST:PORT",
  description: `Calls grpc.health.v1.Health/Check on the plugin's port (from its manifest) or HOST:PORT; when the
plugin does not serve that service (plugins built with the FinFocus SDK do not), the cost-source
service's Name() is the probe. --launch starts the installed plugin NAME the way the FinFocus CLI
does (its latest version folder's binary, --port=N, FINFOCUS_PLUGIN_PORT=N), probes it, stops it.
Healthy, Warning (slower than --slow), Critical (not serving, or did not start), Unknown (no answer).`,
  options: {
    launch: {
      type: "boolean",
      help: "start the installed plugin as the FinFocus CLI does, probe it, stop it",
    },
    timeout: { type: "string", value: "MS", help: "give up after this long" },
    slow: { type: "string", value: "MS", help: "Warning when slower than this (default 1000)" },
    service: { type: "string", value: "NAME", help: "the service name to ask about" },
    ...RUNNER_OPTIONS,
  },
  exit: "0 Healthy or Warning, 1 Critical or Unknown, 2 usage error",
  async run({ values, positionals, format, io }) {
    const [target] = positionals;
    if (!target || positionals.length > 1) throw new UsageError("name a plugin or HOST:PORT");
    if (values.launch && values.service) throw new UsageError("--launch and --service do not combine");
    const timeoutMs = millis(values.timeout, "timeout");
    const slowMs = millis(values.slow, "slow");
    const timing = { ...(timeoutMs ? { timeoutMs } : {}), ...(slowMs ? { slowMs } : {}) };
    const context = await contextFromArgs(values, io);
    const result: HealthResult = values.launch
      ? await checkLaunchedHealth({ name: target, pluginDir: context.pluginDir, ...timing })
      : await checkHealth({
          target,
          pluginDir: context.pluginDir,
          ...timing,
          ...(values.service ? { service: values.service } : {}),
        });
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
