import { discover, info } from "../../runner/ops/list.ts";
import { defineCommand } from "../define-command.ts";
import { UsageError } from "../errors.ts";
import { output } from "../output.ts";
import { contextFromArgs, RUNNER_OPTIONS } from "../runner-cli.ts";

export const searchCommand = defineCommand({
  name: "search",
  summary: "search the discovery sources for plugins",
  args: "[TEXT]",
  description: `Searches names, descriptions, keywords and capabilities in every source; a failing source is a
warning.`,
  options: RUNNER_OPTIONS,
  exit: "0 done, 2 no plugin found and a source failed, or a usage error",
  async run({ values, positionals, format, io }) {
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
  },
});

export const infoCommand = defineCommand({
  name: "info",
  summary: "show a plugin's versions and manifest",
  args: "NAME[@VERSION]",
  description:
    "Shows a plugin's versions (yanked marked), its manifest summary, permissions and deprecation.",
  options: RUNNER_OPTIONS,
  async run({ values, positionals, format, io }) {
    const [ref] = positionals;
    if (!ref || positionals.length > 1) throw new UsageError("name one plugin");
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
  },
});
