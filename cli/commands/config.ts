import { configure } from "../../runner/ops/configure.ts";
import { defineCommand } from "../define-command.ts";
import { UsageError } from "../errors.ts";
import { output } from "../output.ts";
import { contextFromArgs, RUNNER_OPTIONS } from "../runner-cli.ts";

export const configCommand = defineCommand({
  name: "config",
  summary: "show, change or validate a plugin's configuration",
  args: "NAME",
  description: `Shows the plugin's configuration (secrets masked), sets values (validated against the manifest's
configuration.schema before writing), or validates it (exit 1 when invalid).`,
  options: {
    set: { type: "string", multiple: true, value: "KEY=VALUE", help: "set a value (repeatable)" },
    validate: { type: "boolean", help: "exit 1 when the configuration is invalid" },
    ...RUNNER_OPTIONS,
  },
  exit: "0 done, 1 refused or invalid (--validate), 2 usage or I/O error",
  async run({ values, positionals, format, io }) {
    const [name] = positionals;
    if (!name || positionals.length > 1) throw new UsageError("name one plugin");
    const context = await contextFromArgs(values, io);
    const set = values.set ?? [];
    const result = await configure(context.pluginDir, { name, set });
    output(io, format, result, () =>
      [
        ...set.map((pair) => `set ${pair.split("=")[0]}\n`),
        `# ${result.file}\n${JSON.stringify(result.config, null, 2)}\n`,
        ...result.problems.map((p) => `problem: ${p}\n`),
      ].join(""),
    );
    return values.validate && result.problems.length > 0 ? 1 : 0;
  },
});
