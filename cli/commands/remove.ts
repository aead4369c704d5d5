import { resolve } from "node:path";
import { remove } from "../../runner/ops/remove.ts";
import { defineCommand } from "../define-command.ts";
import { UsageError } from "../errors.ts";
import { output } from "../output.ts";
import { contextFromArgs, RUNNER_OPTIONS } from "../runner-cli.ts";

export const removeCommand = defineCommand({
  name: "remove",
  summary: "remove an installed plugin",
  args: "NAME",
  description: `Removes an installed plugin. Refused while another installed plugin depends on it, unless --force.`,
  options: {
    force: { type: "boolean", help: "remove even when other plugins depend on it" },
    "cleanup-data": { type: "boolean", help: "also delete its configuration" },
    backup: {
      type: "string",
      value: "DIR",
      help: "first copy its folder and configuration into a new folder in DIR",
    },
    ...RUNNER_OPTIONS,
  },
  exit: "0 removed, 1 refused, 2 usage or I/O error",
  async run({ values, positionals, format, io }) {
    const [name] = positionals;
    if (!name || positionals.length > 1) throw new UsageError("name exactly one plugin to remove");
    const context = await contextFromArgs(values, io);
    const result = await remove(context, {
      name,
      ...(values.force ? { force: true } : {}),
      ...(values["cleanup-data"] ? { cleanupData: true } : {}),
      ...(typeof values.backup === "string" ? { backupDir: resolve(io.cwd, values.backup) } : {}),
    });
    output(
      io,
      format,
      { name, ...result },
      () =>
        `${result.stopped_pids.length > 0 ? `stopped ${name} (pid ${result.stopped_pids.join(", ")})\n` : ""}removed ${name}@${result.removed_version}${result.backup_path ? ` (backup: ${result.backup_path})` : ""}\n`,
    );
    if (format === "text") for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
    return 0;
  },
});
