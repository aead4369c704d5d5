import { listExternal, listInstalled } from "../../runner/ops/list.ts";
import { verifyInstalled } from "../../runner/ops/verify-installed.ts";
import { defineCommand } from "../define-command.ts";
import { output, printable } from "../output.ts";
import { contextFromArgs, RUNNER_OPTIONS, withoutDigests } from "../runner-cli.ts";

export const listCommand = defineCommand({
  name: "list",
  summary: "list installed plugins (--verify: check them against what was installed)",
  args: "[FILTER]",
  description: `Lists installed plugins (name, version, trust, folder), then the plugins the FinFocus CLI's own
installer put in the folder or lists in its config (marked "finfocus"). --verify also checks every
file this runner installed against the digests recorded at install time.`,
  options: {
    verify: { type: "boolean", help: "check installed files (exit 1 when a folder changed)" },
    ...RUNNER_OPTIONS,
  },
  exit: "0 listed (and unchanged), 1 an installed folder changed, 2 usage or I/O error",
  async run({ values, positionals, format, io }) {
    const context = await contextFromArgs(values, io);
    const plugins = await listInstalled(context.pluginDir, positionals[0] ?? "");
    const external = await listExternal(
      context.pluginDir,
      context.finfocusConfig,
      positionals[0] ?? "",
      (message) => io.stderr(`warning: ${printable(message)}\n`),
    );
    const checks = values.verify
      ? await verifyInstalled(
          context.pluginDir,
          plugins.map((p) => p.name),
        )
      : [];
    output(
      io,
      format,
      { plugins: plugins.map(withoutDigests), external, ...(values.verify ? { checks } : {}) },
      () =>
        plugins.length + external.length === 0
          ? "no plugins installed\n"
          : `${"NAME".padEnd(28)} ${"VERSION".padEnd(12)} ${"TRUST".padEnd(10)} PATH${values.verify ? "  CHECK" : ""}\n` +
            plugins
              .map((p) => {
                const check = checks.find((c) => c.name === p.name);
                const verdict = check ? (check.ok ? "  ok" : `  CHANGED: ${check.problems.join(", ")}`) : "";
                return `${p.name.padEnd(28)} ${p.version.padEnd(12)} ${p.security_level.padEnd(10)} ${p.explicit ? "" : "(dependency) "}${p.path}${verdict}\n`;
              })
              .join("") +
            external
              .map(
                (p) =>
                  `${p.name.padEnd(28)} ${p.version.padEnd(12)} ${"finfocus".padEnd(10)} ${p.path ?? `missing (listed in ${context.finfocusConfig})`}\n`,
              )
              .join(""),
    );
    return checks.some((c) => !c.ok) ? 1 : 0;
  },
});
