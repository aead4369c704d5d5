import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { checkPluginConfig, missingRequiredFields } from "../../core/config/plugin-config.ts";
import type { Manifest } from "../../core/manifest.types.ts";
import { RunnerError } from "../errors.ts";
import { writeFileAtomic } from "../install/atomic-file.ts";
import { installedManifest } from "../install/installed-manifest.ts";
import { type Layout, layoutFor } from "../install/layout.ts";
import { homeDir } from "../install/safe-dirs.ts";
import { readState } from "../install/state.ts";
import { assertName } from "./plugin-name.ts";

export function configFile(layout: Layout, name: string): string {
  return join(layout.configs, `${name}.json`);
}

/** The configs folder, created as a real folder under the plugin folder (never through a planted link). */
async function ensureConfigDir(layout: Layout): Promise<void> {
  await homeDir(layout, "config");
}

function parseJsonObject(text: string, what: string): Record<string, unknown> {
  const value = JSON.parse(text) as unknown;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error(`${what} is not an object`);
  return value as Record<string, unknown>;
}

/**
/**
 * Problems of `config` against the manifest's configuration.schema (core's one check,
 * `checkPluginConfig`, over the bounded author-schema path the gate uses) and its required_fields.
 * `partial` leaves the schema's required fields out, as for defaults. A schema over the bounds, or
 * a check that spends the validation budget, is a problem with its finding code, never a hang.
 */
export function validateConfig(
  manifest: Manifest,
  config: Record<string, unknown>,
  options: { partial?: boolean } = {},
): string[] {
  const problems = checkPluginConfig(manifest, config, { ...options, file: manifest.metadata.name }).map(
    (f) =>
      f.code === "CONFIG_VALUE_INVALID"
        ? `${f.pointer || "/"} ${f.message.replace(/^\S+ /, "")}`
        : `${f.message} (${f.code})`,
  );
  if (!options.partial)
    for (const field of missingRequiredFields(manifest, config)) problems.push(`/${field} is required`);
  return problems;
}

/**
 * Problems of the plugin's existing configuration file against `manifest` (another version's):
 * an update checks them before it commits, so a version the user's configuration does not fit
 * never replaces one it fits. No file (or an unreadable one, which `config` reports) is no problem.
 */
export async function existingConfigProblems(layout: Layout, manifest: Manifest): Promise<string[]> {
  let config: Record<string, unknown>;
  try {
    config = parseJsonObject(await readFile(configFile(layout, manifest.metadata.name), "utf8"), "config");
  } catch {
    return [];
  }
  return validateConfig(manifest, config, { partial: true });
}

/**
 * On install: writes the manifest's default_config to the plugin's config file unless one exists,
 * when it fits configuration.schema as the gate judged it (partial: required fields may be left
 * out), and returns warnings for missing required fields with the manifest's examples.
 */
export async function writeDefaultConfig(layout: Layout, manifest: Manifest): Promise<string[]> {
  const name = manifest.metadata.name;
  const file = configFile(layout, name);
  let config: Record<string, unknown> | undefined;
  try {
    config = parseJsonObject(await readFile(file, "utf8"), file);
  } catch {
    config = undefined;
  }
  const warnings: string[] = [];
  if (config === undefined && manifest.configuration?.default_config) {
    try {
      const defaults = parseJsonObject(manifest.configuration.default_config, "default_config");
      const schemaProblems = validateConfig(manifest, defaults, { partial: true });
      if (schemaProblems.length > 0) {
        warnings.push(
          `${name}: default_config does not match its schema (${schemaProblems.join("; ")}): not written`,
        );
      } else {
        await ensureConfigDir(layout);
        await writeFileAtomic(file, `${JSON.stringify(defaults, null, 2)}\n`, 0o600);
        config = defaults;
      }
    } catch (error) {
      warnings.push(`${name}: default_config is not JSON (${(error as Error).message}): not written`);
    }
  }
  const missing = missingRequiredFields(manifest, config);
  if (missing.length > 0) {
    const example = manifest.configuration?.examples?.[0];
    warnings.push(
      `${name}: set ${missing.join(", ")} with \`finfocus-registry config ${name} --set KEY=VALUE\`` +
        (example ? ` (example "${example.name}": ${example.config})` : ""),
    );
  }
  return warnings;
}

const SECRET = /secret|token|password|passwd|credential|api[_-]?key|private/i;

/** Secrets are never echoed: values of secret-looking keys or `writeOnly`/`password` fields are masked. */
export function maskSecrets(config: Record<string, unknown>, manifest?: Manifest): Record<string, unknown> {
  let props: Record<string, { writeOnly?: boolean; format?: string }> = {};
  try {
    props =
      (JSON.parse(manifest?.configuration?.schema ?? "{}") as { properties?: typeof props }).properties ?? {};
  } catch {
    props = {};
  }
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => {
      const secret = SECRET.test(k) || props[k]?.writeOnly === true || props[k]?.format === "password";
      return [k, secret && v !== undefined && v !== "" ? "********" : v];
    }),
  );
}

export interface ConfigureRequest {
  name: string;
  /** KEY=VALUE pairs; VALUE is parsed as JSON when it is valid JSON, else kept as a string. */
  set?: string[];
}

export interface ConfigureResult {
  name: string;
  file: string;
  /** The configuration with secrets masked. */
  config: Record<string, unknown>;
  problems: string[];
}

/** The spec's configure: shows, changes and validates a plugin's configuration. */
export async function configure(pluginDir: string, request: ConfigureRequest): Promise<ConfigureResult> {
  assertName(request.name);
  const layout = layoutFor(pluginDir);
  const plugin = (await readState(layout)).plugins[request.name];
  if (!plugin)
    throw new RunnerError("NOT_INSTALLED", `${request.name} is not installed`, { name: request.name });
  const manifest = await installedManifest(plugin);
  const file = configFile(layout, request.name);
  let config: Record<string, unknown> = {};
  try {
    config = parseJsonObject(await readFile(file, "utf8"), file);
  } catch {
    config = {};
  }
  if (request.set?.length) {
    for (const pair of request.set) {
      const at = pair.indexOf("=");
      if (at <= 0) throw new RunnerError("USAGE", `--set takes KEY=VALUE, not ${pair.split("=")[0]}`, {});
      const key = pair.slice(0, at);
      const raw = pair.slice(at + 1);
      let value: unknown = raw;
      try {
        value = JSON.parse(raw);
      } catch {
        value = raw;
      }
      if (["__proto__", "constructor", "prototype"].includes(key))
        throw new RunnerError("USAGE", "forbidden key", {});
      config[key] = value;
    }
    const schemaErrors = validateConfig(manifest, config, { partial: true });
    if (schemaErrors.length > 0) {
      throw new RunnerError(
        "CONFIG_VALUE_INVALID",
        `The new configuration is invalid: ${schemaErrors.join("; ")}`,
        {
          problems: schemaErrors,
        },
      );
    }
    await ensureConfigDir(layout);
    await writeFileAtomic(file, `${JSON.stringify(config, null, 2)}\n`, 0o600);
  }
  return {
    name: request.name,
    file,
    config: maskSecrets(config, manifest),
    problems: validateConfig(manifest, config),
  };
}
