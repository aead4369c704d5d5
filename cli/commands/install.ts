import { RunnerError } from "../../runner/errors.ts";
import { install } from "../../runner/ops/install.ts";
import type { Command } from "../command.types.ts";
import {
  contextFromArgs,
  GLOBAL_USAGE,
  list,
  output,
  parseRunnerArgs,
  runGuarded,
  withoutDigests,
} from "../runner-cli.ts";

const usage = `Usage: finfocus-registry install NAME[@CONSTRAINT]… [options]

Resolves the plugins and their dependencies, downloads and verifies every artifact (checksum,
key signature, Sigstore bundle), then installs each atomically into <plugin-dir>/<name>/v<version>/.
CONSTRAINT uses the spec's syntax: 1.2.3, ^1.2.0, ~1.2.0, >=1.0.0,<2.0.0.

Options:
  --force                   reinstall even if the version is installed
  --prerelease              consider prerelease versions
  --allow-permissions LIST  approve these permissions (comma-separated)
  --allow-scripts           run install_script, pre_install_checks and post_install_steps
${GLOBAL_USAGE}

Exit status: 0 installed, 1 refused (verification, policy, resolution), 2 usage, network or I/O error.`;

/** Splits "name@constraint". */
export function parseRef(ref: string): { name: string; constraint?: string } {
  const at = ref.indexOf("@");
  if (at === 0 || ref === "") throw new RunnerError("USAGE", `not a plugin reference: ${ref}`, {});
  return at < 0 ? { name: ref } : { name: ref.slice(0, at), constraint: ref.slice(at + 1) };
}

export const installCommand: Command = {
  name: "install",
  summary: "install plugins with their dependencies, verified",
  usage,
  run: (args, io) =>
    runGuarded("install", io, args, async () => {
      const { values, positionals, format } = parseRunnerArgs(args, {
        force: { type: "boolean" },
        prerelease: { type: "boolean" },
        "allow-permissions": { type: "string", multiple: true },
        "allow-scripts": { type: "boolean" },
      });
      if (positionals.length === 0) throw new RunnerError("USAGE", "name at least one plugin to install", {});
      const context = await contextFromArgs(values, io, {
        allowScripts: values["allow-scripts"] === true,
        allowPermissions: list(values, "allow-permissions"),
      });
      const result = await install(context, {
        plugins: positionals.map(parseRef),
        ...(values.force ? { force: true } : {}),
        ...(values.prerelease ? { includePrerelease: true } : {}),
      });
      output(io, format, { ...result, installed: result.installed.map(withoutDigests) }, () =>
        [
          ...result.installed.map(
            (p) =>
              `installed ${p.name}@${p.version} → ${p.path} (${p.signature_kind === "none" ? "checksum verified" : `checksum and ${p.signature_kind} signature verified`})\n`,
          ),
          ...result.unchanged.map((p) => `unchanged ${p.name}@${p.version} (already installed)\n`),
          ...(format === "text" ? [] : result.warnings),
        ].join(""),
      );
      if (format === "text") for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
      return 0;
    }),
};
