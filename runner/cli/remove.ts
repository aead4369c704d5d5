import { RunnerError } from "../errors.ts";
import { remove } from "../ops/remove.ts";
import type { Command } from "./command.types.ts";
import { contextFromArgs, GLOBAL_USAGE, output, parseRunnerArgs, runGuarded } from "./runner-cli.ts";

const usage = `Usage: finfocus-registry remove NAME [--force] [--cleanup-data]

Removes an installed plugin. Refused while another installed plugin depends on it, unless --force.
--cleanup-data also deletes its configuration.
${GLOBAL_USAGE}

Exit status: 0 removed, 1 refused, 2 usage or I/O error.`;

export const removeCommand: Command = {
  name: "remove",
  summary: "remove an installed plugin",
  usage,
  run: (args, io) =>
    runGuarded("remove", io, args, async () => {
      const { values, positionals, format } = parseRunnerArgs(args, {
        force: { type: "boolean" },
        "cleanup-data": { type: "boolean" },
      });
      const [name] = positionals;
      if (!name || positionals.length > 1)
        throw new RunnerError("USAGE", "name exactly one plugin to remove", {});
      const context = await contextFromArgs(values, io);
      const result = await remove(context, {
        name,
        ...(values.force ? { force: true } : {}),
        ...(values["cleanup-data"] ? { cleanupData: true } : {}),
      });
      output(io, format, { name, ...result }, () => `removed ${name}@${result.removed_version}\n`);
      if (format === "text") for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
      return 0;
    }),
};
