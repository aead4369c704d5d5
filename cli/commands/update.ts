import { RunnerError } from "../../runner/errors.ts";
import { update } from "../../runner/ops/update.ts";
import type { Command } from "../command.types.ts";
import { contextFromArgs, GLOBAL_USAGE, list, output, parseRunnerArgs, runGuarded } from "../runner-cli.ts";
import { parseRef } from "./install.ts";

const usage = `Usage: finfocus-registry update [NAME[@VERSION]…] [options]

Updates the named plugins (default: every plugin you installed). Patch releases update
automatically, minor releases after confirmation (--yes), major releases only with --major. An
older VERSION is refused unless --allow-downgrade. The old version stays until the new one is in.

Options:
  --major                   allow major updates
  --allow-downgrade         allow moving to an older version
  --prerelease              consider prerelease versions
  --allow-permissions LIST  approve these permissions (comma-separated)
  --allow-scripts           run the manifest's install steps
${GLOBAL_USAGE}

Exit status: 0 done, 1 refused, 2 usage, network or I/O error.`;

export const updateCommand: Command = {
  name: "update",
  summary: "update installed plugins (patch auto, minor confirmed, major on request)",
  usage,
  run: (args, io) =>
    runGuarded("update", io, args, async () => {
      const { values, positionals, format } = parseRunnerArgs(args, {
        major: { type: "boolean" },
        "allow-downgrade": { type: "boolean" },
        prerelease: { type: "boolean" },
        "allow-permissions": { type: "string", multiple: true },
        "allow-scripts": { type: "boolean" },
      });
      const refs = positionals.map(parseRef);
      const targeted = refs.filter((r) => r.constraint);
      if (targeted.length > 0 && refs.length > 1) {
        throw new RunnerError("USAGE", "update one plugin at a time when naming a version", {});
      }
      const context = await contextFromArgs(values, io, {
        allowScripts: values["allow-scripts"] === true,
        allowPermissions: list(values, "allow-permissions"),
      });
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
              ? `updated ${o.name} ${o.previous_version} → ${o.updated_version}\n`
              : o.status === "minor-declined"
                ? `${o.name} ${o.previous_version}: a minor update is available (confirm with --yes)\n`
                : `${o.name} ${o.previous_version} is up to date${o.available_major ? ` (major ${o.available_major} available: --major)` : ""}\n`,
          )
          .join(""),
      );
      return 0;
    }),
};
