import { RunnerError } from "../../runner/errors.ts";
import { checkHealth } from "../../runner/health/health.ts";
import type { Command } from "../command.types.ts";
import { contextFromArgs, GLOBAL_USAGE, output, parseRunnerArgs, runGuarded, str } from "../runner-cli.ts";

export const healthCommand: Command = {
  name: "health",
  summary: "check a running plugin with grpc.health.v1",
  usage: `Usage: finfocus-registry health NAME|HOST:PORT [--timeout MS] [--slow MS] [--service NAME]

Calls grpc.health.v1.Health/Check on the plugin's port (from its manifest) or HOST:PORT.
Healthy, Warning (slower than --slow, default 1000 ms), Critical (not serving), Unknown (no answer).
${GLOBAL_USAGE}

Exit status: 0 Healthy or Warning, 1 Critical or Unknown, 2 usage error.`,
  run: (args, io) =>
    runGuarded("health", io, args, async () => {
      const { values, positionals, format } = parseRunnerArgs(args, {
        timeout: { type: "string" },
        slow: { type: "string" },
        service: { type: "string" },
      });
      const [target] = positionals;
      if (!target) throw new RunnerError("USAGE", "name a plugin or HOST:PORT", {});
      const context = await contextFromArgs(values, io);
      const timeout = str(values, "timeout");
      const slow = str(values, "slow");
      const service = str(values, "service");
      const result = await checkHealth({
        target,
        pluginDir: context.pluginDir,
        ...(timeout ? { timeoutMs: Number(timeout) } : {}),
        ...(slow ? { slowMs: Number(slow) } : {}),
        ...(service ? { service } : {}),
      });
      output(
        io,
        format,
        result,
        () =>
          `${result.target} (${result.address}): ${result.status} in ${result.response_time_ms} ms${result.error ? ` (${result.error})` : ""}\n`,
      );
      return result.status === "Healthy" || result.status === "Warning" ? 0 : 1;
    }),
};
