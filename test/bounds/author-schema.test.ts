/**
 * Author configuration schemas (issue: resource exhaustion; #9 point 8): bounded before they run,
 * patterns in a linear-time engine, validation metered, compiled validators in a bounded cache,
 * and the runner's `config` on the same path as the gate.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Manifest } from "../../core/manifest.types.ts";
import { Meter, VALIDATION_BUDGET } from "../../core/schema/author-budget.ts";
import {
  type AuthorSchema,
  cachedSchemaCount,
  compileAuthorSchema,
  isProblem,
  MAX_CACHED_SCHEMAS,
} from "../../core/schema/author-schema.ts";
import { SCHEMA_BOUNDS } from "../../core/schema/author-shape.ts";
import { validateConfig } from "../../runner/ops/configure.ts";

const text = (value: unknown): string => JSON.stringify(value);

function compiled(schema: unknown): AuthorSchema {
  const result = compileAuthorSchema(text(schema));
  if (isProblem(result)) assert.fail(`${result.code}: ${result.message}`);
  return result;
}

function refused(schema: unknown, code: string, at: RegExp): void {
  const result = compileAuthorSchema(text(schema));
  assert.ok(isProblem(result), "refused");
  assert.equal(result.code, code);
  assert.match(result.message, at);
}

function doubling(levels: number): object {
  const defs: Record<string, unknown> = { d0: { type: "string" } };
  for (let i = 1; i <= levels; i++)
    defs[`d${i}`] = { anyOf: [{ $ref: `#/$defs/d${i - 1}` }, { $ref: `#/$defs/d${i - 1}` }] };
  return { $defs: defs, $ref: `#/$defs/d${levels}` };
}

test("$ref cycles on one value are refused, with the $ref that closes them", () => {
  refused({ $ref: "#" }, "CONFIG_SCHEMA_TOO_COMPLEX", /at #\/\$ref:/);
  refused({ allOf: [{ not: { $ref: "#" } }] }, "CONFIG_SCHEMA_TOO_COMPLEX", /at #\/allOf\/0\/not\/\$ref:/);
  refused(
    { $defs: { a: { $anchor: "a", if: { $ref: "#/$defs/b" } }, b: { else: { $ref: "#a" } } }, $ref: "#a" },
    "CONFIG_SCHEMA_TOO_COMPLEX",
    /recurse without end/,
  );
  refused({ dependentSchemas: { x: { $ref: "#" } } }, "CONFIG_SCHEMA_TOO_COMPLEX", /recurse/);
});

test("recursion through properties or items is allowed, and checks deep values", () => {
  const tree = compiled({
    type: "object",
    properties: { name: { type: "string" }, children: { type: "array", items: { $ref: "#" } } },
  });
  let value: Record<string, unknown> = { name: "leaf" };
  for (let i = 0; i < 20; i++) value = { name: `n${i}`, children: [value] };
  assert.deepEqual(tree.validate(value), { valid: true });
  const bad = { name: "root", children: [{ name: 7 }] };
  const result = tree.validate(bad);
  assert.ok("errors" in result && result.errors[0]?.instancePath === "/children/0/name");
});

test("combinator width, nesting and multiplying $refs are bounded", () => {
  refused(
    { anyOf: Array.from({ length: SCHEMA_BOUNDS.maxWidth + 1 }, () => ({})) },
    "CONFIG_SCHEMA_TOO_COMPLEX",
    /at #\/anyOf:/,
  );
  // Nesting through $refs (written inline, the depth cap of the schema's JSON comes first).
  const chain: Record<string, unknown> = { c0: { type: "string" } };
  for (let i = 1; i <= SCHEMA_BOUNDS.maxCombinatorDepth + 1; i++)
    chain[`c${i}`] = { allOf: [{ $ref: `#/$defs/c${i - 1}` }] };
  refused(
    { $defs: chain, $ref: `#/$defs/c${SCHEMA_BOUNDS.maxCombinatorDepth + 1}` },
    "CONFIG_SCHEMA_TOO_COMPLEX",
    /nest/,
  );
  refused(doubling(40), "CONFIG_SCHEMA_TOO_COMPLEX", /more than \d+ subschemas to one value/);
  refused(
    { anyOf: [{ items: { $ref: "#" } }, { items: { $ref: "#" } }] },
    "CONFIG_SCHEMA_TOO_COMPLEX",
    /levels deep/,
  );
  const many: Record<string, unknown> = {};
  for (let i = 0; i < SCHEMA_BOUNDS.maxNodes; i++) many[`p${i}`] = { type: "string" };
  refused({ properties: many }, "CONFIG_SCHEMA_TOO_COMPLEX", /subschemas \(the limit/);
  assert.ok(!isProblem(compileAuthorSchema(text(doubling(5)))), "32 paths to one leaf are fine");
});

test("patterns run in RE2: ReDoS patterns are linear, RE2-incompatible ones refused", () => {
  const schema = compiled({ type: "string", pattern: "^(a+)+$" });
  const result = schema.validate(`${"a".repeat(5000)}!`);
  assert.ok("errors" in result && result.errors[0]?.keyword === "pattern");
  assert.deepEqual(
    compiled({ patternProperties: { "^x-[a-z]+$": { type: "integer" } } }).validate({ "x-a": "s" }).valid,
    false,
  );
  refused({ pattern: "(a)\\1" }, "CONFIG_SCHEMA_UNSUPPORTED", /at #\/pattern: .*linear-time/);
  refused({ patternProperties: { "(?=lookahead)": {} } }, "CONFIG_SCHEMA_UNSUPPORTED", /patternProperties/);
  refused({ pattern: "[a-z]{1000}[0-9]{1000}" }, "CONFIG_SCHEMA_TOO_COMPLEX", /too large/);
  assert.equal(compiled({ type: "string", pattern: "^[\\u0041-\\u005a]+$" }).validate("ABC").valid, true);
});

test("what cannot be bounded is refused: dynamic and outside references, nested $id", () => {
  refused({ $dynamicRef: "#meta" }, "CONFIG_SCHEMA_UNSUPPORTED", /\$dynamicRef/);
  refused({ properties: { a: { $ref: "other.json#/x" } } }, "CONFIG_SCHEMA_UNSUPPORTED", /does not name/);
  refused(
    { properties: { a: { $ref: "#/properties/a/const" }, b: { const: {} } } },
    "CONFIG_SCHEMA_UNSUPPORTED",
    /does not name/,
  );
  refused({ properties: { a: { $id: "https://x.example/a" } } }, "CONFIG_SCHEMA_UNSUPPORTED", /\$id/);
});

test("validation is metered: the same value costs the same steps, and a budget stops it", () => {
  const schema = compiled({ type: "array", uniqueItems: true, items: { type: "object" } });
  const small = Array.from({ length: 50 }, (_, i) => ({ i }));
  const a = new Meter();
  const b = new Meter();
  schema.validate(small, a);
  schema.validate(small, b);
  assert.equal(a.used, b.used, "deterministic: no clock involved");
  assert.deepEqual(schema.validate(Array.from({ length: 5000 }, (_, i) => ({ i }))), {
    valid: false,
    exceeded: VALIDATION_BUDGET,
  });
  // One meter across several values: the examples of one manifest share it.
  const shared = new Meter(a.used * 2 + 1);
  assert.equal(schema.validate(small, shared).valid, true);
  assert.equal(schema.validate(small, shared).valid, true);
  assert.ok("exceeded" in schema.validate(small, shared));
});

test("schemas with the same $id do not meet: each has its own ajv instance", () => {
  const a = compiled({ $id: "https://cfg.example/s", type: "string" });
  const b = compiled({ $id: "https://cfg.example/s", type: "integer" });
  assert.equal(a.validate("x").valid, true);
  assert.equal(b.validate(3).valid, true);
  assert.equal(b.validate("x").valid, false);
});

test("the cache of compiled schemas is bounded and keeps the most recently used", () => {
  const first = text({ type: "object", title: "kept" });
  const kept = compileAuthorSchema(first);
  for (let i = 0; i < MAX_CACHED_SCHEMAS * 2; i++) {
    compileAuthorSchema(text({ type: "object", title: `t${i}` }));
    compileAuthorSchema(first); // used again: stays
  }
  assert.ok(cachedSchemaCount() <= MAX_CACHED_SCHEMAS);
  assert.equal(compileAuthorSchema(first), kept, "the same compiled schema, not a recompile");
  const evicted = text({ type: "object", title: "t0" });
  const again = compileAuthorSchema(evicted);
  assert.ok(!isProblem(again));
});

test("config --set: the runner uses the same bounded path (a doubling schema never finished)", {
  timeout: 60_000,
}, () => {
  const manifest = {
    metadata: { name: "x", version: "1.0.0" },
    configuration: { schema: text(doubling(40)) },
  } as unknown as Manifest;
  const problems = validateConfig(manifest, { region: "eu" });
  assert.equal(problems.length, 1);
  assert.match(problems[0] ?? "", /CONFIG_SCHEMA_TOO_COMPLEX/);
  const budget = {
    metadata: { name: "x", version: "1.0.0" },
    configuration: {
      schema: text({ type: "object", properties: { list: { type: "array", uniqueItems: true } } }),
    },
  } as unknown as Manifest;
  const over = validateConfig(budget, { list: Array.from({ length: 5000 }, (_, i) => [i]) });
  assert.match(over[0] ?? "", /needs more than \d+ steps \(CONFIG_SCHEMA_TOO_COMPLEX\)/);
  assert.deepEqual(validateConfig(budget, { list: [1, 2, 3] }), []);
});

test("an evicted schema is really freed, with its ajv instance", async () => {
  const { setFlagsFromString } = await import("node:v8");
  const { runInNewContext } = await import("node:vm");
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  let first: AuthorSchema | undefined = compiled({ type: "object", title: "to be evicted" });
  const ref = new WeakRef(first);
  first = undefined;
  for (let i = 0; i < MAX_CACHED_SCHEMAS + 1; i++)
    compileAuthorSchema(text({ type: "object", title: `e${i}` }));
  for (let i = 0; i < 5 && ref.deref() !== undefined; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  assert.equal(ref.deref(), undefined, "nothing holds the evicted validator any more");
});

test("each pattern of a schema is its own (ajv keys compiled patterns by their text)", () => {
  const schema = compiled({
    type: "object",
    properties: { currency: { pattern: "^[A-Z]{3}$" }, account: { pattern: "^[0-9]{12}$" } },
    patternProperties: { "^x-": { type: "string" } },
  });
  assert.deepEqual(schema.validate({ currency: "USD", account: "123456789012", "x-a": "s" }), {
    valid: true,
  });
  const bad = schema.validate({ currency: "usd", account: "12" });
  assert.ok("errors" in bad);
  assert.deepEqual(bad.errors.map((e) => e.instancePath).sort(), ["/account", "/currency"]);
});
