import { RunnerError } from "../errors.ts";
import { checkHealth, type HealthResult } from "../health/health.ts";
import { checkLaunchedHealth } from "../health/launched-health.ts";
import type { Command } from "./command.types.ts";
import { contextFromArgs, GLOBAL_USAGE, output, parseRunnerArgs, runGuarded, str } from "./runner-cli.ts";

export const healthCommand: Command = {
  name: "health",
  summary: "check a plugin: grpc.health.v1, else its Name() (--launch: start it as FinFocus does)",
  usage: `Usage: finfocus-registry health NAME|HOST:PORT [--launch] [--timeout MS] [--slow MS] [--service NAME]

Calls grpc.health.v1.Health/Check on the plugin's port (from its manifest) or HOST:PORT; when the
plugin does not serve that service (plugins built with the FinFocus SDK do not), the cost-source
service's Name() is the probe. --launch starts the installed plugin NAME the way the FinFocus CLI
does (its latest version folder's binary, --port=N, FINFOCUS_PLUGIN_PORT=N), probes it, stops it.
Healthy, Warning (slower than --slow, default 1000 ms), Critical (not serving, or did not start),
Unknown (no answer).
${GLOBAL_USAGE}

Exit status: 0 Healthy or Warning, 1 Critical or Unknown, 2 usage error.`,
  run: (args, io) =>
    runGuarded("health", io, args, async () => {
      const { values, positionals, format } = parseRunnerArgs(args, {
        timeout: { type: "string" },
        slow: { type: "string" },
        service: { type: "string" },
        launch: { type: "boolean" },
      });
      const [target] = positionals;
      if (!target) throw new RunnerError("USAGE", "name a plugin or HOST:PORT", {});
      const context = await contextFromArgs(values, io);
      const timeout = str(values, "timeout");
      const slow = str(values, "slow");
      const service = str(values, "service");
      const timing = {
        ...(timeout ? { timeoutMs: Number(timeout) } : {}),
        ...(slow ? { slowMs: Number(slow) } : {}),
      };
      if (values.launch && service)
        throw new RunnerError("USAGE", "--launch and --service do not combine", {});
      const result: HealthResult = values.launch
        ? await checkLaunchedHealth({ name: target, pluginDir: context.pluginDir, ...timing })
        : await checkHealth({
            target,
            pluginDir: context.pluginDir,
            ...timing,
            ...(service ? { service } : {}),
          });
      output(
        io,
        format,
        result,
        () =>
          `${result.target} (${result.address || "not started"}): ${result.status} in ${result.response_time_ms} ms${result.probe ? ` via ${result.probe}` : ""}${result.error ? ` (${result.error})` : ""}\n`,
      );
      return result.status === "Healthy" || result.status === "Warning" ? 0 : 1;
    }),
};
