import { realpathSync } from "node:fs";
import { installLauncher, type LauncherResult } from "../../runner/sandbox/launcher.ts";
import { defineCommand } from "../define-command.ts";
import { UsageError } from "../errors.ts";
import { output, printable } from "../output.ts";
import { contextFromArgs, RUNNER_OPTIONS } from "../runner-cli.ts";

export const launcherCommand = defineCommand({
  name: "launcher",
  summary: "sandbox plugins the FinFocus CLI starts: a launcher at the path it executes",
  args: "NAME...",
  description: `Puts a small launcher at the path the FinFocus CLI executes
(<plugin-dir>/<name>/v<version>/finfocus-plugin-<name>) and keeps the real executable beside it
(.sandboxed-finfocus-plugin-<name>), so the unmodified FinFocus CLI starts the plugin through
\`finfocus-registry run\`, inside the sandbox its permissions allow (docs/sandbox.md). The real
executable must still have its install-time digest, and is checked again at every start; both
files' digests are recorded, so \`list --verify\` checks both. Run it again after an update.`,
  options: { ...RUNNER_OPTIONS },
  exit: "0 launchers in place, 1 refused (not installed, modified), 2 usage error",
  async run({ values, positionals, format, io }) {
    if (positionals.length === 0) throw new UsageError("name one or more installed plugins");
    const context = await contextFromArgs(values, io);
    const results: LauncherResult[] = [];
    // The launcher starts the same Node and the same CLI entry as this invocation.
    const entry = { node: realpathSync(process.execPath), cli: realpathSync(process.argv[1] ?? "") };
    for (const name of positionals) results.push(await installLauncher(context.pluginDir, name, entry));
    output(io, format, { launchers: results }, () =>
      results
        .map(
          (r) =>
            `${r.name} v${r.version}: ${printable(r.launcher)} starts it sandboxed (real executable: ${printable(r.binary)})\n`,
        )
        .join(""),
    );
    return 0;
  },
});
