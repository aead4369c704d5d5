import { RunnerError } from "../../runner/errors.ts";
import { configure } from "../../runner/ops/configure.ts";
import type { Command } from "../command.types.ts";
import { contextFromArgs, GLOBAL_USAGE, output, parseRunnerArgs, runGuarded } from "../runner-cli.ts";

export const configCommand: Command = {
  name: "config",
  summary: "show, change or validate a plugin's configuration",
  usage: `Usage: finfocus-registry config NAME [--set KEY=VALUE]… [--validate]

Shows the plugin's configuration (secrets masked), sets values (validated against the manifest's
configuration.schema before writing), or validates it (exit 1 when invalid).
${GLOBAL_USAGE}`,
  run: (args, io) =>
    runGuarded("config", io, args, async () => {
      const { values, positionals, format } = parseRunnerArgs(args, {
        set: { type: "string", multiple: true },
        validate: { type: "boolean" },
      });
      const [name] = positionals;
      if (!name) throw new RunnerError("USAGE", "name a plugin", {});
      const context = await contextFromArgs(values, io);
      const set = (Array.isArray(values.set) ? values.set : []).map(String);
      const result = await configure(context.pluginDir, { name, set });
      output(io, format, result, () =>
        [
          ...(set.length ? set.map((pair) => `set ${pair.split("=")[0]}\n`) : []),
          `# ${result.file}\n${JSON.stringify(result.config, null, 2)}\n`,
          ...result.problems.map((p) => `problem: ${p}\n`),
        ].join(""),
      );
      return values.validate && result.problems.length > 0 ? 1 : 0;
    }),
};
