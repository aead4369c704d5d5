import type { ErrorObject } from "ajv";
import type { Finding } from "../findings.types.ts";
import { loadJson } from "../json/load-json.ts";
import { Meter } from "../schema/author-budget.ts";
import {
  type AuthorSchema,
  compileAuthorSchema,
  isProblem,
  MAX_CONFIG_DEPTH,
  MAX_SCHEMA_BYTES,
} from "../schema/author-schema.ts";
import { finding } from "./finding.ts";
import type { Rule, RuleContext } from "./rule.types.ts";

function parse(ctx: RuleContext, text: string, pointer: string, what: string, out: Finding[]): unknown {
  const loaded = loadJson(new TextEncoder().encode(text), {
    file: ctx.file,
    maxBytes: MAX_SCHEMA_BYTES,
    maxDepth: MAX_CONFIG_DEPTH,
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

function describe(errors: readonly ErrorObject[]): string {
  return errors
    .slice(0, 3)
    .map((e) => `${e.instancePath || "(root)"} ${e.message ?? "is invalid"}`)
    .join("; ");
}

/**
 * configuration.schema, default_config and each example are JSON strings: they must parse, the
 * schema must compile within the bounds of author schemas (core/schema/author-schema.ts),
 * default_config must fit it (it may omit required fields: defaults are partial, secrets have
 * none), every example must satisfy it fully, and required_fields must be properties of the
 * schema. All the manifest's checks share one validation budget: a schema that needs more is
 * CONFIG_SCHEMA_TOO_COMPLEX at the value that spent it.
 */
export const configuration: Rule = (ctx) => {
  const out: Finding[] = [];
  const config = ctx.manifest.configuration;
  if (!config) return out;
  let compiled: AuthorSchema | undefined;
  if (config.schema !== undefined) {
    const result = compileAuthorSchema(config.schema);
    if (isProblem(result)) {
      const message =
        result.code === "CONFIG_SCHEMA_INVALID"
          ? `the schema cannot be used: ${result.message}`
          : `the schema is refused: ${result.message}`;
      out.push(finding(ctx, result.code, "/configuration/schema", message));
    } else compiled = result;
  }
  const meter = new Meter();
  let spent = false;
  const check = (value: unknown, pointer: string, what: string, partial: boolean): void => {
    if (!compiled || value === undefined || spent) return;
    const result = compiled.validate(value, meter);
    if ("exceeded" in result) {
      spent = true;
      out.push(
        finding(
          ctx,
          "CONFIG_SCHEMA_TOO_COMPLEX",
          pointer,
          `checking ${what} against the schema needs more than ${result.exceeded} steps: simplify the schema or the value`,
        ),
      );
      return;
    }
    if (result.valid) return;
    const errors = partial ? result.errors.filter((e) => e.keyword !== "required") : result.errors;
    if (errors.length > 0)
      out.push(
        finding(ctx, "CONFIG_VALUE_INVALID", pointer, `${what} does not fit the schema: ${describe(errors)}`),
      );
  };
  if (config.default_config !== undefined) {
    const pointer = "/configuration/default_config";
    check(parse(ctx, config.default_config, pointer, "default_config", out), pointer, "default_config", true);
  }
  config.examples?.forEach((example, i) => {
    const pointer = `/configuration/examples/${i}/config`;
    const what = `example '${example.name}'`;
    check(parse(ctx, example.config, pointer, what, out), pointer, what, false);
  });
  const properties = (compiled?.schema as { properties?: Record<string, unknown> } | undefined)?.properties;
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
