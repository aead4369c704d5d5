/**
 * Whether a configuration value fits a plugin's configuration schema: the one entry point for the
 * runner's `config` and the install's `default_config`, over core's author-schema path
 * (core/schema/author-schema.ts: bounded compile, RE2 patterns, metered validation) that the gate's
 * configuration rule uses too, with the same partial rule for defaults (required fields may be
 * left out: defaults are partial and secrets have none).
 */
import type { Finding } from "../findings.types.ts";
import type { Manifest } from "../manifest.types.ts";
import { compileAuthorSchema, isProblem } from "../schema/author-schema.ts";

export interface PluginConfigCheck {
  /** Defaults: `required` keywords of the schema are not enforced (what the gate accepts as default_config). */
  partial?: boolean;
  /** How findings name the value, e.g. the config file or `<name>@<version>`. */
  file?: string;
  /** Where the value sits in `file` ("" for a whole config file). */
  pointer?: string;
}

/**
 * Findings for `value` against the manifest's `configuration.schema`: the schema's problem
 * (CONFIG_SCHEMA_INVALID and the author-schema bounds' codes) when it cannot be used,
 * CONFIG_SCHEMA_TOO_COMPLEX when checking spends the validation budget, CONFIG_VALUE_INVALID (one
 * per problem, at its pointer) when the value does not fit. Required fields listed in
 * `required_fields` are the caller's to report (a missing secret is a warning at install, a
 * problem for `config --validate`).
 */
export function checkPluginConfig(
  manifest: Manifest,
  value: unknown,
  options: PluginConfigCheck = {},
): Finding[] {
  const file = options.file ?? `${manifest.metadata.name}@${manifest.metadata.version}`;
  const pointer = options.pointer ?? "";
  const text = manifest.configuration?.schema;
  if (text === undefined) return [];
  const compiled = compileAuthorSchema(text);
  if (isProblem(compiled)) {
    return [
      {
        code: compiled.code,
        severity: "error",
        message: `configuration.schema cannot be used: ${compiled.message}`,
        file,
        pointer: "/configuration/schema",
      },
    ];
  }
  const result = compiled.validate(value);
  if ("exceeded" in result) {
    return [
      {
        code: "CONFIG_SCHEMA_TOO_COMPLEX",
        severity: "error",
        message: `checking the configuration against configuration.schema needs more than ${result.exceeded} steps`,
        file,
        pointer,
      },
    ];
  }
  if (result.valid) return [];
  return result.errors
    .filter((e) => !options.partial || e.keyword !== "required")
    .map((e) => ({
      code: "CONFIG_VALUE_INVALID",
      severity: "error",
      message: `${e.instancePath || "(root)"} ${e.message ?? "is invalid"}`,
      file,
      pointer: `${pointer}${e.instancePath}`,
    }));
}

/** The `required_fields` of the manifest that `config` leaves out (or leaves empty). */
export function missingRequiredFields(
  manifest: Manifest,
  config: Record<string, unknown> | undefined,
): string[] {
  return (manifest.configuration?.required_fields ?? []).filter(
    (f) => config?.[f] === undefined || config[f] === "",
  );
}
