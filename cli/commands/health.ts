import { checkHealth } from "../../runner/health/health.ts";
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
  summary: "check a running plugin with grpc.health.v1",
  args: "NAME|HOST:PORT",
  description: `Calls grpc.health.v1.Health/Check on the plugin's port (from its manifest) or HOST:PORT.
Healthy, Warning (slower than --slow), Critical (not serving), Unknown (no answer).`,
  options: {
    timeout: { type: "string", value: "MS", help: "give up after this long" },
    slow: { type: "string", value: "MS", help: "Warning when slower than this (default 1000)" },
    service: { type: "string", value: "NAME", help: "the service name to ask about" },
    ...RUNNER_OPTIONS,
  },
  exit: "0 Healthy or Warning, 1 Critical or Unknown, 2 usage error",
  async run({ values, positionals, format, io }) {
    const [target] = positionals;
    if (!target || positionals.length > 1) throw new UsageError("name a plugin or HOST:PORT");
    const timeoutMs = millis(values.timeout, "timeout");
    const slowMs = millis(values.slow, "slow");
    const context = await contextFromArgs(values, io);
    const result = await checkHealth({
      target,
      pluginDir: context.pluginDir,
      ...(timeoutMs ? { timeoutMs } : {}),
      ...(slowMs ? { slowMs } : {}),
      ...(values.service ? { service: values.service } : {}),
    });
    output(
      io,
      format,
      result,
      () =>
        `${result.target} (${result.address}): ${result.status} in ${result.response_time_ms} ms${result.error ? ` (${result.error})` : ""}\n`,
    );
    return result.status === "Healthy" || result.status === "Warning" ? 0 : 1;
  },
});
