import fc from "fast-check";

/**
 * Configuration schemas as an attacker writes them: nested combinators, `$ref`s to the root, to
 * each other and to places that are not schemas, backtracking and RE2-incompatible patterns,
 * `uniqueItems` and long values. Used by the manifest target.
 */
const PATTERNS = [
  "^[a-z]+$",
  "^(a+)+$",
  "(a|aa)*b",
  "(x+x+)+y",
  "(a)\\1",
  "(?=x)",
  "(?<!x)y",
  "[a-z]{900}",
  "\\p{L}+",
  "^\\d{3}-\\d{4}$",
  ".*",
  "[",
  "^[\\u0041-\\u005a]*$",
];
const REFS = [
  "#",
  "#/$defs/a",
  "#/$defs/b",
  "#/properties/x",
  "#/$defs/a/anyOf/0",
  "#a",
  "https://x.example/s",
  "#/nope",
];

const leaf = fc.record(
  {
    type: fc.constantFrom("string", "integer", "object", "array", "number", "boolean", "null", "objekt"),
    pattern: fc.constantFrom(...PATTERNS),
    minLength: fc.nat(5),
    maxLength: fc.nat(100),
    enum: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 5 }),
    uniqueItems: fc.boolean(),
    required: fc.array(fc.constantFrom("x", "y", "a"), { maxLength: 3 }),
    format: fc.constantFrom("email", "uri", "date-time", "unknown-format"),
    $ref: fc.constantFrom(...REFS),
    $anchor: fc.constant("a"),
    $dynamicRef: fc.constant("#a"),
  },
  { requiredKeys: [] },
);

const { schema } = fc.letrec<{ schema: unknown }>((tie) => ({
  schema: fc.oneof(
    { depthSize: "small", maxDepth: 5 },
    leaf,
    fc.boolean(),
    fc.record({ anyOf: fc.array(tie("schema"), { minLength: 1, maxLength: 4 }) }),
    fc.record({ allOf: fc.array(tie("schema"), { minLength: 1, maxLength: 4 }) }),
    fc.record({ oneOf: fc.array(tie("schema"), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie("schema") }),
    fc
      .tuple(tie("schema"), tie("schema"), tie("schema"))
      // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword here
      .map(([condition, yes, no]) => ({ if: condition, then: yes, else: no })),
    fc.record({
      properties: fc.dictionary(fc.constantFrom("x", "y", "a", "__proto__"), tie("schema"), { maxKeys: 3 }),
    }),
    fc.record({
      patternProperties: fc.dictionary(fc.constantFrom(...PATTERNS), tie("schema"), { maxKeys: 2 }),
    }),
    fc.record(
      { items: tie("schema"), prefixItems: fc.array(tie("schema"), { maxLength: 2 }) },
      { requiredKeys: [] },
    ),
    fc.record({ additionalProperties: tie("schema"), propertyNames: tie("schema") }, { requiredKeys: [] }),
    fc.record({ dependentSchemas: fc.dictionary(fc.constantFrom("x", "y"), tie("schema"), { maxKeys: 2 }) }),
  ),
}));

/** A schema document: a root schema with `$defs` that its `$ref`s may name. */
export const authorSchema: fc.Arbitrary<unknown> = fc
  .record({ root: schema, a: schema, b: schema, id: fc.option(fc.constant("https://cfg.example/s")) })
  .map(({ root, a, b, id }) =>
    typeof root === "object" && root !== null
      ? { ...(root as object), $defs: { a, b }, ...(id ? { $id: id } : {}) }
      : root,
  );

/** Values to check against it: small JSON, long strings, wide arrays. */
export const configValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({ x: fc.nat(30_000).map((n) => `${"a".repeat(n)}!`) }),
  fc.nat(5000).map((n) => Array.from({ length: n }, (_, i) => ({ i: i % 7 }))),
  fc.nat(40).map((n) => {
    let v: unknown = { x: "leaf" };
    for (let i = 0; i < n; i++) v = i % 2 === 0 ? { x: v, a: [1] } : [v];
    return v;
  }),
);
