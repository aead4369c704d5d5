import { install } from "../../runner/ops/install.ts";
import type { OptionsSpec, Values } from "../command.types.ts";
import { defineCommand } from "../define-command.ts";
import { UsageError } from "../errors.ts";
import { output } from "../output.ts";
import { contextFromArgs, listValues, RUNNER_OPTIONS, withoutDigests } from "../runner-cli.ts";

/** Splits "name@constraint". */
export function parseRef(ref: string): { name: string; constraint?: string } {
  const at = ref.indexOf("@");
  if (at === 0 || ref === "") throw new UsageError(`not a plugin reference: ${ref}`);
  return at < 0 ? { name: ref } : { name: ref.slice(0, at), constraint: ref.slice(at + 1) };
}

/** Options install and update share. */
export const INSTALL_OPTIONS = {
  prerelease: { type: "boolean", help: "consider prerelease versions" },
  "allow-permissions": {
    type: "string",
    multiple: true,
    value: "LIST",
    help: "approve these permissions (comma-separated, repeatable)",
  },
  "allow-scripts": {
    type: "boolean",
    help: "run install_script, pre_install_checks and post_install_steps",
  },
  "health-check": {
    type: "boolean",
    help: "after a first install too, start and probe a plugin that runs a service (this runs its code); updates check by default",
  },
  "no-health-check": {
    type: "boolean",
    help: "do not start and probe a plugin that runs a service before committing it",
  },
} as const satisfies OptionsSpec;

/** What INSTALL_OPTIONS ask of the runner's context (install and update read them alike). */
export function installSettings(values: Values<typeof INSTALL_OPTIONS>): {
  allowScripts: boolean;
  allowPermissions: string[];
  healthCheck?: boolean;
} {
  if (values["health-check"] === true && values["no-health-check"] === true)
    throw new UsageError("--health-check and --no-health-check contradict each other: give one");
  return {
    allowScripts: values["allow-scripts"] === true,
    allowPermissions: listValues(values["allow-permissions"]),
    ...(values["no-health-check"]
      ? { healthCheck: false }
      : values["health-check"]
        ? { healthCheck: true }
        : {}),
  };
}

export const installCommand = defineCommand({
  name: "install",
  summary: "install plugins with their dependencies, verified",
  args: "NAME[@CONSTRAINT]…",
  description: `Resolves the plugins and their dependencies, downloads and verifies every artifact (checksum,
key signature, Sigstore bundle), then installs each atomically into <plugin-dir>/<name>/v<version>/.
CONSTRAINT uses the spec's syntax: 1.2.3, ^1.2.0, ~1.2.0, >=1.0.0,<2.0.0.`,
  options: {
    force: { type: "boolean", help: "reinstall even if the version is installed" },
    "allow-downgrade": {
      type: "boolean",
      help: "let a dependency move back to an older version than the one installed",
    },
    ...INSTALL_OPTIONS,
    ...RUNNER_OPTIONS,
  },
  exit: "0 installed, 1 refused (verification, policy, resolution), 2 usage, network or I/O error",
  async run({ values, positionals, format, io }) {
    if (positionals.length === 0) throw new UsageError("name at least one plugin to install");
    const plugins = positionals.map(parseRef);
    const context = await contextFromArgs(values, io, installSettings(values));
    const result = await install(context, {
      plugins,
      ...(values.force ? { force: true } : {}),
      ...(values.prerelease ? { includePrerelease: true } : {}),
      ...(values["allow-downgrade"] ? { allowDowngrade: true } : {}),
    });
    output(io, format, { ...result, installed: result.installed.map(withoutDigests) }, () =>
      [
        ...result.installed.map(
          (p) =>
            `installed ${p.name}@${p.version} → ${p.path} (${p.signature_kind === "none" ? "checksum verified" : `checksum and ${p.signature_kind} signature verified`})\n`,
        ),
        ...result.health.map((h) =>
          h.status === "skipped" ? `${h.note}\n` : `health ${h.name}@${h.version}: ${h.status}\n`,
        ),
        ...result.unchanged.map((p) => `unchanged ${p.name}@${p.version} (already installed)\n`),
      ].join(""),
    );
    // Warnings were printed as they happened (the runner's warning events): once each.
    return 0;
  },
});
