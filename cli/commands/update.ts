import { update } from "../../runner/ops/update.ts";
import { defineCommand } from "../define-command.ts";
import { UsageError } from "../errors.ts";
import { output } from "../output.ts";
import { contextFromArgs, RUNNER_OPTIONS } from "../runner-cli.ts";
import { INSTALL_OPTIONS, installSettings, parseRef } from "./install.ts";

export const updateCommand = defineCommand({
  name: "update",
  summary: "update installed plugins (patch auto, minor confirmed, major on request)",
  args: "[NAME[@VERSION]…]",
  description: `Updates the named plugins (default: every plugin you installed). Patch releases update
automatically, minor releases after confirmation (--yes), major releases only with --major. An
older VERSION is refused unless --allow-downgrade. The old version stays until the new one is verified, its configuration fits and, for a plugin
that runs a service, it starts and answers its health check; otherwise nothing changes.`,
  options: {
    major: { type: "boolean", help: "allow major updates" },
    "allow-downgrade": { type: "boolean", help: "allow moving to an older version" },
    ...INSTALL_OPTIONS,
    ...RUNNER_OPTIONS,
  },
  exit: "0 done, 1 refused, 2 usage, network or I/O error",
  async run({ values, positionals, format, io }) {
    const refs = positionals.map(parseRef);
    const targeted = refs.filter((r) => r.constraint);
    if (targeted.length > 0 && refs.length > 1) {
      throw new UsageError("update one plugin at a time when naming a version");
    }
    const context = await contextFromArgs(values, io, installSettings(values));
    const outcomes = await update(context, {
      names: refs.map((r) => r.name),
      ...(targeted[0]?.constraint ? { targetVersion: targeted[0].constraint } : {}),
      ...(values.major ? { allowMajor: true } : {}),
      ...(values["allow-downgrade"] ? { allowDowngrade: true } : {}),
      ...(values.prerelease ? { includePrerelease: true } : {}),
    });
    output(io, format, { updates: outcomes }, () =>
      outcomes
        .map((o) =>
          o.status === "updated"
            ? `updated ${o.name} ${o.previous_version} → ${o.updated_version}${o.available_major ? ` (major ${o.available_major} available: --major)` : ""}\n`
            : o.status === "minor-declined"
              ? `${o.name} ${o.previous_version}: a minor update is available (confirm with --yes)\n`
              : `${o.name} ${o.previous_version} is up to date${o.available_major ? ` (major ${o.available_major} available: --major)` : ""}\n`,
        )
        .join(""),
    );
    return 0;
  },
});
