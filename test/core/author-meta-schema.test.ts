import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { checkMetaSchema, runtimeMetaCheck } from "../../core/schema/author-schema.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** Every configuration schema of the bundled registry's manifests. */
function registrySchemas(): Record<string, unknown>[] {
  const plugins = path.join(root, "registry", "plugins");
  return readdirSync(plugins).flatMap((name) => {
    const dir = path.join(plugins, name, "versions");
    return readdirSync(dir).flatMap((file) => {
      const text = (
        JSON.parse(readFileSync(path.join(dir, file), "utf8")) as {
          configuration?: { schema?: string };
        }
      ).configuration?.schema;
      return text ? [JSON.parse(text) as Record<string, unknown>] : [];
    });
  });
}

const KNOWN: Record<string, unknown>[] = [
  {},
  { type: "object", properties: { a: { type: "string", pattern: "^a+$" } }, required: ["a"] },
  { type: 5 },
  { type: ["string", "nope"] },
  { $schema: "https://json-schema.org/draft/2020-12/schema", minLength: -1 },
  { $schema: "https://json-schema.org/draft/2020-12/meta/core", $anchor: "1bad" },
  { $schema: "https://json-schema.org/draft/2020-12/meta/validation", type: "strange" },
  { $schema: "" },
  { $schema: "https://json-schema.org/draft/2020-12/schema#" },
  { $schema: "http://json-schema.org/draft-07/schema#" },
  { $schema: 7 },
  { $id: "https://example.com/a#frag", $defs: { x: { $dynamicAnchor: "x" } } },
  { $id: "not a uri at all", $ref: "also not" },
  { properties: { a: { $dynamicRef: "#meta", items: { enum: [] } } } },
  { allOf: [{ anyOf: [] }], oneOf: [true, false, { not: { minItems: "1" } }] },
  { unevaluatedProperties: 3, dependentRequired: { a: [1] }, contentMediaType: 2 },
  { format: 12, deprecated: "yes", examples: "no", default: null },
];

test("the standalone 2020-12 meta-schema check answers as ajv's run-time check (verdict and message)", () => {
  for (const schema of [...KNOWN, ...registrySchemas()]) {
    assert.equal(checkMetaSchema(schema), runtimeMetaCheck(schema), JSON.stringify(schema));
  }
});

test("property: any schema-like object gets the same answer from both checks", () => {
  const keyword = fc.constantFrom(
    "type",
    "properties",
    "items",
    "prefixItems",
    "required",
    "enum",
    "const",
    "minimum",
    "maxLength",
    "pattern",
    "format",
    "$ref",
    "$id",
    "$anchor",
    "$dynamicRef",
    "$defs",
    "allOf",
    "anyOf",
    "not",
    "if",
    "then",
    "additionalProperties",
    "unevaluatedItems",
    "dependentSchemas",
    "title",
    "$comment",
    "$schema",
    "contains",
    "minContains",
    "uniqueItems",
    "propertyNames",
    "$vocabulary",
  );
  const schema = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small" },
      fc.string(),
      fc.integer({ min: -3, max: 3 }),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom("object", "string", "#/$defs/a", "https://example.com/s", "a", "^x$"),
      fc.array(tie("value"), { maxLength: 3 }),
      tie("schema"),
    ),
    // Ordinary objects, as JSON.parse makes them: schemas reach both checks from loadJson.
    schema: fc.dictionary(keyword, tie("value"), { maxKeys: 4, noNullPrototype: true }),
  })).schema;
  fc.assert(
    fc.property(schema, (s) => {
      assert.equal(
        checkMetaSchema(s as Record<string, unknown>),
        runtimeMetaCheck(s as Record<string, unknown>),
      );
    }),
    { numRuns: 2000 },
  );
});
