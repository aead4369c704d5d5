import type { ValidateFunction } from "ajv";
import type { Finding } from "../findings.types.ts";
import { loadJson } from "../json/load-json.ts";
import { createAjv } from "../schema/validators.ts";
import { finding } from "./finding.ts";
import type { Rule, RuleContext } from "./rule.types.ts";

const MAX_CONFIG_BYTES = 64 * 1024;
const cache = new Map<string, ValidateFunction | string>();
let ajv: ReturnType<typeof createAjv> | undefined;

/**
 * Compiles a plugin's configuration schema once per distinct text (versions of a plugin
 * usually share it). Returns the validator, or why it does not compile. The one compile path of
 * author schemas (core/config/plugin-config.ts uses it too).
 */
export function compileConfigSchema(schemaText: string, schema: unknown): ValidateFunction | string {
  const cached = cache.get(schemaText);
  if (cached !== undefined) return cached;
  if (cache.size > 10_000) cache.clear();
  ajv ??= createAjv({ strict: false });
  let result: ValidateFunction | string;
  try {
    result = ajv.compile(schema as object);
  } catch (error) {
    result = error instanceof Error ? error.message : String(error);
  }
  cache.set(schemaText, result);
  return result;
}

function parse(ctx: RuleContext, text: string, pointer: string, what: string, out: Finding[]): unknown {
  const loaded = loadJson(new TextEncoder().encode(text), {
    file: ctx.file,
    maxBytes: MAX_CONFIG_BYTES,
    maxDepth: 32,
  });
  const problem = loaded.findings[0];
  if (problem) {
    out.push(
      finding(
        ctx,
        "CONFIG_SCHEMA_INVALID",
        pointer,
        `${what} is a string that must hold JSON: ${problem.message}`,
      ),
    );
    return undefined;
  }
  return loaded.value;
}

function describe(errors: ValidateFunction["errors"]): string {
  return (errors ?? [])
    .slice(0, 3)
    .map((e) => `${e.instancePath || "(root)"} ${e.message ?? "is invalid"}`)
    .join("; ");
}

/**
 * configuration.schema, default_config and each example are JSON strings: they must parse, the
 * schema must compile, default_config must fit it (it may omit required fields: defaults are
 * partial, secrets have none), every example must satisfy it fully, and required_fields must be
 * properties of the schema.
 */
export const configuration: Rule = (ctx) => {
  const out: Finding[] = [];
  const config = ctx.manifest.configuration;
  if (!config) return out;
  const schema =
    config.schema === undefined
      ? undefined
      : parse(ctx, config.schema, "/configuration/schema", "schema", out);
  let validate: ValidateFunction | undefined;
  if (schema !== undefined && config.schema !== undefined) {
    const compiled = compileConfigSchema(config.schema, schema);
    if (typeof compiled === "string") {
      out.push(
        finding(
          ctx,
          "CONFIG_SCHEMA_INVALID",
          "/configuration/schema",
          `the schema does not compile: ${compiled}`,
        ),
      );
    } else validate = compiled;
  }
  if (config.default_config !== undefined) {
    const value = parse(ctx, config.default_config, "/configuration/default_config", "default_config", out);
    if (validate && value !== undefined && !validate(value)) {
      const errors = (validate.errors ?? []).filter((e) => e.keyword !== "required");
      if (errors.length > 0) {
        out.push(
          finding(
            ctx,
            "CONFIG_VALUE_INVALID",
            "/configuration/default_config",
            `default_config does not fit the schema: ${describe(errors)}`,
          ),
        );
      }
    }
  }
  config.examples?.forEach((example, i) => {
    const pointer = `/configuration/examples/${i}/config`;
    const value = parse(ctx, example.config, pointer, `example '${example.name}'`, out);
    if (validate && value !== undefined && !validate(value)) {
      out.push(
        finding(
          ctx,
          "CONFIG_VALUE_INVALID",
          pointer,
          `example '${example.name}' does not fit the schema: ${describe(validate.errors)}`,
        ),
      );
    }
  });
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  if (properties && typeof properties === "object") {
    config.required_fields?.forEach((field, i) => {
      if (!Object.hasOwn(properties, field)) {
        out.push(
          finding(
            ctx,
            "CONFIG_SCHEMA_INVALID",
            `/configuration/required_fields/${i}`,
            `required field '${field}' is not a property of the configuration schema`,
          ),
        );
      }
    });
  }
  return out;
};
