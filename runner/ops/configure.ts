import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Manifest } from "../../core/manifest.types.ts";
import { compileAuthorSchema, isProblem } from "../../core/schema/author-schema.ts";
import { RunnerError } from "../errors.ts";
import { writeFileAtomic } from "../install/atomic-file.ts";
import { installedManifest } from "../install/installed-manifest.ts";
import { type Layout, layoutFor } from "../install/layout.ts";
import { readState } from "../install/state.ts";
import { assertName } from "./install.ts";

export function configFile(layout: Layout, name: string): string {
  return join(layout.configs, `${name}.json`);
}

function parseJsonObject(text: string, what: string): Record<string, unknown> {
  const value = JSON.parse(text) as unknown;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error(`${what} is not an object`);
  return value as Record<string, unknown>;
}

/**
 * Problems of `config` against the manifest's configuration.schema and required_fields. The schema
 * is compiled and run by core's author-schema path, within the same bounds as at the gate: a schema
 * over them, or a check that spends the validation budget, is a problem (with its finding code),
 * never a hang.
 */
export function validateConfig(manifest: Manifest, config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const schemaText = manifest.configuration?.schema;
  if (schemaText) {
    const compiled = compileAuthorSchema(schemaText);
    if (isProblem(compiled)) {
      problems.push(`configuration.schema cannot be used (${compiled.code}): ${compiled.message}`);
    } else {
      const result = compiled.validate(config);
      if ("exceeded" in result) {
        problems.push(
          `checking the configuration against configuration.schema needs more than ${result.exceeded} steps (CONFIG_SCHEMA_TOO_COMPLEX)`,
        );
      } else if (!result.valid) {
        for (const e of result.errors) problems.push(`${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
      }
    }
  }
  for (const field of manifest.configuration?.required_fields ?? []) {
    if (config[field] === undefined || config[field] === "") problems.push(`/${field} is required`);
  }
  return problems;
}

/**
 * On install: writes the manifest's default_config (when valid against configuration.schema) to
 * the plugin's config file unless one exists, and returns warnings for missing required fields
 * with the manifest's examples.
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
      const schemaProblems = validateConfig(
        { ...manifest, configuration: { ...manifest.configuration, required_fields: [] } },
        defaults,
      );
      if (schemaProblems.length > 0) {
        warnings.push(
          `${name}: default_config does not match its schema (${schemaProblems.join("; ")}): not written`,
        );
      } else {
        await mkdir(layout.configs, { recursive: true, mode: 0o700 });
        await writeFileAtomic(file, `${JSON.stringify(defaults, null, 2)}\n`, 0o600);
        config = defaults;
      }
    } catch (error) {
      warnings.push(`${name}: default_config is not JSON (${(error as Error).message}): not written`);
    }
  }
  const missing = (manifest.configuration?.required_fields ?? []).filter(
    (f) => config?.[f] === undefined || config[f] === "",
  );
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
    const problems = validateConfig(manifest, config);
    const schemaErrors = problems.filter((p) => !p.endsWith("is required"));
    if (schemaErrors.length > 0) {
      throw new RunnerError(
        "CONFIG_VALUE_INVALID",
        `The new configuration is invalid: ${schemaErrors.join("; ")}`,
        {
          problems: schemaErrors,
        },
      );
    }
    await mkdir(layout.configs, { recursive: true, mode: 0o700 });
    await writeFileAtomic(file, `${JSON.stringify(config, null, 2)}\n`, 0o600);
  }
  return {
    name: request.name,
    file,
    config: maskSecrets(config, manifest),
    problems: validateConfig(manifest, config),
  };
}
