import { RunnerError } from "../../runner/errors.ts";
import { discover, info } from "../../runner/ops/list.ts";
import type { Command } from "../command.types.ts";
import { contextFromArgs, GLOBAL_USAGE, output, parseRunnerArgs, runGuarded } from "../runner-cli.ts";

export const searchCommand: Command = {
  name: "search",
  summary: "search the discovery sources for plugins",
  usage: `Usage: finfocus-registry search [TEXT]\n\nSearches names, descriptions, keywords and capabilities in every source.\n${GLOBAL_USAGE}`,
  run: (args, io) =>
    runGuarded("search", io, args, async () => {
      const { values, positionals, format } = parseRunnerArgs(args);
      const context = await contextFromArgs(values, io);
      const result = await discover(context, positionals.join(" "));
      output(
        io,
        format,
        result,
        () =>
          result.plugins
            .map(
              (p) =>
                `${p.name.padEnd(28)} ${p.version.padEnd(10)} ${p.security_level.padEnd(10)} ${p.description}${p.deprecated ? " (deprecated)" : ""}\n`,
            )
            .join("") || "no plugins found\n",
      );
      for (const e of result.errors) io.stderr(`warning: ${e.code}: ${e.message}\n`);
      return result.plugins.length === 0 && result.errors.length > 0 ? 2 : 0;
    }),
};

export const infoCommand: Command = {
  name: "info",
  summary: "show a plugin's versions and manifest",
  usage: `Usage: finfocus-registry info NAME[@VERSION]\n${GLOBAL_USAGE}`,
  run: (args, io) =>
    runGuarded("info", io, args, async () => {
      const { values, positionals, format } = parseRunnerArgs(args);
      const [ref] = positionals;
      if (!ref) throw new RunnerError("USAGE", "name a plugin", {});
      const [name = "", version] = ref.split("@");
      const context = await contextFromArgs(values, io);
      const result = await info(context, name, version);
      output(io, format, result, () => {
        const m = result.latest;
        return [
          `${result.name}${result.deprecated ? ` (deprecated${result.deprecation_message ? `: ${result.deprecation_message}` : ""})` : ""}`,
          m ? `  ${m.metadata.description}` : "",
          m
            ? `  author: ${m.metadata.author}; security level: ${m.security?.security_level ?? "untrusted"}`
            : "",
          m?.security?.permissions?.length ? `  permissions: ${m.security.permissions.join(", ")}` : "",
          `  versions: ${result.versions.map((v) => `${v.version}${v.yanked ? " (yanked)" : ""}`).join(", ")}`,
          `  source: ${result.source}`,
          "",
        ]
          .filter((l) => l !== "")
          .join("\n")
          .concat("\n");
      });
      return 0;
    }),
};
