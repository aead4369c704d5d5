import { _, type ErrorObject, type KeywordCxt, type ValidateFunction } from "ajv";
import Ajv2020Module from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { loadJson } from "../json/load-json.ts";
import { AUTHOR_AJV_OPTIONS, AUTHOR_FORMATS } from "./author-ajv-options.ts";
import { BudgetExceeded, charge, Meter, metered } from "./author-budget.ts";
import { checkShape, type ShapeProblem } from "./author-shape.ts";
import * as meta from "./generated/author-meta-schema.js";
import { linearRegExp } from "./linear-regexp.ts";

// ajv and ajv-formats are CommonJS with a default export.
const Ajv2020 = Ajv2020Module as unknown as typeof Ajv2020Module.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
type Ajv = InstanceType<typeof Ajv2020>;

/**
 * Plugin authors' configuration schemas (`configuration.schema`, a JSON string in a manifest),
 * compiled and run within bounds: the one path for the gate, `validate`, `build` and the runner's
 * `config`. Each schema is parsed under size and depth caps, checked against static bounds
 * (author-shape.ts: `$ref` cycles on one value, combinator width and depth, expansion, pattern
 * size), its patterns run in RE2 (linear-regexp.ts), and every validation is metered
 * (author-budget.ts). Anything over a bound is a problem with a code, never a hang or a crash.
 */

export const MAX_SCHEMA_BYTES = 64 * 1024;
/** Depth cap of schemas and of the configuration values checked against them. */
export const MAX_CONFIG_DEPTH = 32;
/** Compiled schemas kept (least recently used first out). Each holds its own ajv instance. */
export const MAX_CACHED_SCHEMAS = 64;

export interface AuthorSchemaProblem {
  code: "CONFIG_SCHEMA_INVALID" | ShapeProblem["code"];
  message: string;
}

export type AuthorValidation =
  | { valid: true }
  | { valid: false; errors: ErrorObject[] }
  /** The validation spent its budget (`exceeded` steps) before it could decide. */
  | { valid: false; exceeded: number };

/** A compiled author schema. */
export interface AuthorSchema {
  /** The parsed schema (for reading its `properties`); never mutated. */
  schema: unknown;
  /** Validates `value`, charging `meter` (a fresh default budget when omitted). */
  validate(value: unknown, meter?: Meter): AuthorValidation;
}

/** The key of the step-counting keyword added to every subschema before compiling. */
const STEPS = "$ffrSteps";
const UNIQUE = 1;
const TEXT = 2;

const META_2020_12 = "https://json-schema.org/draft/2020-12/schema";
/** The standalone meta-schema validators by `$id`. */
const META_SCHEMAS = new Map<unknown, ValidateFunction>([
  [META_2020_12, meta.schema],
  ...Object.entries(meta)
    .filter(([name]) => name !== "schema")
    .map(
      ([name, validate]) =>
        [
          `https://json-schema.org/draft/2020-12/meta/${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
          validate,
        ] as const,
    ),
]);

const cache = new Map<string, AuthorSchema | AuthorSchemaProblem>();
let checker: Ajv | undefined;

/** Compiles `text` (cached by text), or says why it cannot be used. Never throws. */
export function compileAuthorSchema(text: string): AuthorSchema | AuthorSchemaProblem {
  const cached = cache.get(text);
  if (cached) {
    cache.delete(text); // re-insert: the Map's order is the recency order
    cache.set(text, cached);
    return cached;
  }
  const result = compileUncached(text);
  if (cache.size >= MAX_CACHED_SCHEMAS) cache.delete(cache.keys().next().value as string);
  cache.set(text, result);
  return result;
}

/** How many compiled schemas are held (for tests and benchmarks of the cache). */
export function cachedSchemaCount(): number {
  return cache.size;
}

export function isProblem(result: AuthorSchema | AuthorSchemaProblem): result is AuthorSchemaProblem {
  return "code" in result;
}

function compileUncached(text: string): AuthorSchema | AuthorSchemaProblem {
  const loaded = loadJson(new TextEncoder().encode(text), {
    file: "schema",
    maxBytes: MAX_SCHEMA_BYTES,
    maxDepth: MAX_CONFIG_DEPTH,
  });
  const first = loaded.findings[0];
  if (first || loaded.value === undefined) {
    return { code: "CONFIG_SCHEMA_INVALID", message: `not JSON: ${first?.message ?? "empty"}` };
  }
  const schema = loaded.value;
  if (typeof schema !== "object" || schema === null || Array.isArray(schema))
    return { code: "CONFIG_SCHEMA_INVALID", message: "a schema must be a JSON object" };
  // A copy that will carry the step counter in every subschema; `schema` stays as written.
  const instrumented = JSON.parse(text) as Record<string, unknown>;
  const shape = checkShape(instrumented);
  if ("problem" in shape) {
    const { code, at, message } = shape.problem;
    return { code, message: `at #${at}: ${message}` };
  }
  const metaProblem = checkMetaSchema(schema as Record<string, unknown>);
  if (metaProblem !== undefined) return { code: "CONFIG_SCHEMA_INVALID", message: metaProblem };
  for (const node of shape.graph.nodes) node.schema[STEPS] = steps(node.schema);
  let validate: ValidateFunction;
  try {
    // One ajv instance per schema: it holds nothing of any other schema (no shared `$id`s), and
    // dropping the validator from the cache frees the instance with it.
    validate = authorAjv(false).compile(instrumented);
  } catch (error) {
    return {
      code: "CONFIG_SCHEMA_INVALID",
      message: `the schema does not compile: ${(error as Error).message}`,
    };
  }
  return {
    schema,
    validate(value, meter = new Meter()) {
      try {
        if (metered(meter, () => validate(value))) return { valid: true };
        return { valid: false, errors: validate.errors ?? [] };
      } catch (error) {
        if (error instanceof BudgetExceeded) return { valid: false, exceeded: error.limit };
        if (error instanceof RangeError) return { valid: false, exceeded: meter.limit }; // deeper than any check allows
        throw error;
      }
    },
  };
}

/**
 * Why `schema` fails its meta-schema, or undefined. The 2020-12 meta-schemas run as standalone code
 * compiled at build time (generated/author-meta-schema.js, the same options), so a manifest's
 * configuration schema is checked without compiling them in every process; a `$schema` naming
 * anything else goes to ajv at run time, which answers as it always did.
 */
export function checkMetaSchema(schema: Record<string, unknown>): string | undefined {
  const $schema = schema.$schema;
  const standalone =
    $schema === undefined || $schema === "" ? META_SCHEMAS.get(META_2020_12) : META_SCHEMAS.get($schema);
  if (standalone === undefined) return runtimeMetaCheck(schema);
  if (standalone(schema)) return undefined;
  const errors = standalone.errors ?? [];
  const text =
    errors.length === 0 ? "No errors" : errors.map((e) => `data${e.instancePath} ${e.message}`).join(", ");
  return `not a valid JSON Schema: ${text}`;
}

/** The meta-schema check by ajv at run time (its meta-schemas compiled on first use). */
export function runtimeMetaCheck(schema: Record<string, unknown>): string | undefined {
  checker ??= authorAjv(true);
  try {
    if (!checker.validateSchema(schema))
      return `not a valid JSON Schema: ${checker.errorsText(checker.errors)}`;
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

/** The fixed cost of one subschema on one value, and what in it grows with the value. */
function steps(schema: Record<string, unknown>): [number, number] {
  let listed = 0;
  for (const key of ["enum", "required"]) {
    const list = schema[key];
    if (Array.isArray(list)) listed += list.length;
  }
  const flags =
    (schema.uniqueItems === true ? UNIQUE : 0) |
    (["pattern", "format", "minLength", "maxLength"].some((k) => k in schema) ? TEXT : 0);
  return [1 + (listed >> 3), flags];
}

/**
 * Charges one subschema applied to one value: its fixed cost, plus what grows with the value
 * (characters scanned, items and members visited, items compared for `uniqueItems`). A step is
 * about one subschema on one value, the most expensive kind of work measured (bench/author-schema.ts).
 */
function spend(fixed: number, flags: number, data: unknown): void {
  let steps = fixed;
  if (typeof data === "string") {
    if (flags & TEXT) steps += data.length >> 8;
  } else if (Array.isArray(data)) {
    steps += data.length >> 3;
    if (flags & UNIQUE) steps += (data.length * data.length) >> 4;
  } else if (typeof data === "object" && data !== null) {
    let members = 0;
    for (const _key in data) members++;
    steps += members >> 3;
  }
  charge(steps);
}

function authorAjv(forMetaSchema: boolean): Ajv {
  const ajv = new Ajv2020({
    ...AUTHOR_AJV_OPTIONS,
    validateSchema: forMetaSchema,
    meta: forMetaSchema,
    // ajv's code optimiser costs more than it saves on schemas compiled once and run a few times.
    code: { regExp: linearRegExp, optimize: false },
  });
  addFormats(ajv, { mode: "fast", formats: [...AUTHOR_FORMATS] });
  if (!forMetaSchema) {
    // One call per subschema application: `spend(fixed, flags, data)`.
    ajv.addKeyword({
      keyword: STEPS,
      schemaType: "array",
      code(cxt: KeywordCxt) {
        const [fixed, flags] = cxt.schema as [number, number];
        const fn = cxt.gen.scopeValue("func", { ref: spend });
        cxt.gen.code(_`${fn}(${fixed}, ${flags}, ${cxt.data})`);
      },
    });
  }
  return ajv;
}
