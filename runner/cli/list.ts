import { listInstalled } from "../ops/list.ts";
import type { Command } from "./command.types.ts";
import { contextFromArgs, GLOBAL_USAGE, output, parseRunnerArgs, runGuarded } from "./runner-cli.ts";

const usage = `Usage: finfocus-registry list [FILTER]

Lists installed plugins (name, version, trust, folder).
${GLOBAL_USAGE}`;

export const listCommand: Command = {
  name: "list",
  summary: "list installed plugins",
  usage,
  run: (args, io) =>
    runGuarded("list", io, args, async () => {
      const { values, positionals, format } = parseRunnerArgs(args);
      const context = await contextFromArgs(values, io);
      const plugins = await listInstalled(context.pluginDir, positionals[0] ?? "");
      output(io, format, { plugins }, () =>
        plugins.length === 0
          ? "no plugins installed\n"
          : plugins
              .map(
                (p) =>
                  `${p.name.padEnd(28)} ${p.version.padEnd(12)} ${p.security_level.padEnd(10)} ${p.explicit ? "" : "(dependency) "}${p.path}\n`,
              )
              .join(""),
      );
      return 0;
    }),
};
