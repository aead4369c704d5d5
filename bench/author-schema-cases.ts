/**
 * Configuration schemas at (or past) the bounds of author schemas, with values that make them
 * work hardest: used by bench/author-schema.ts and by the regression tests.
 */

/** The manifest `base` with its `configuration` replaced. */
export function withConfiguration(
  base: Record<string, unknown>,
  configuration: Record<string, unknown>,
): Record<string, unknown> {
  return { ...base, configuration };
}

const text = (value: unknown): string => JSON.stringify(value);

export function adversarialConfigurations(): Record<string, Record<string, unknown>> {
  const doubling: Record<string, unknown> = { d0: { type: "string" } };
  for (let i = 1; i <= 30; i++)
    doubling[`d${i}`] = { anyOf: [{ $ref: `#/$defs/d${i - 1}` }, { $ref: `#/$defs/d${i - 1}` }] };
  // The widest schema under the node cap: 125 properties, each with a pattern and a format.
  const properties: Record<string, unknown> = {};
  for (let i = 0; i < 125; i++)
    properties[`p${i}`] = { type: "string", maxLength: 300, pattern: `^[a-z]{${i % 20}}`, format: "email" };
  const wideValue: Record<string, string> = {};
  for (let i = 0; i < 125; i++) wideValue[`p${i}`] = `${"x".repeat(200)}@example.com`;
  // 114 subschemas (just under maxNodes), each applied to every item, most failing, over a long array.
  const branches = Array.from({ length: 7 }, (_, i) => ({
    allOf: Array.from({ length: 15 }, () => ({ minimum: i + 1 })),
  }));
  const patterns: Record<string, unknown> = {};
  for (let i = 0; i < 20; i++) patterns[`^k${i}[a-z]{0,90}$`] = { type: "integer" };
  const manyKeys: Record<string, number> = {};
  for (let i = 0; i < 1000; i++) manyKeys[`k${i % 20}${"a".repeat(i % 90)}${i}`] = i;
  return {
    "$ref to itself": { schema: text({ $ref: "#" }), default_config: "{}" },
    "$ref cycle through combinators": {
      schema: text({
        $defs: { a: { allOf: [{ $ref: "#/$defs/b" }] }, b: { anyOf: [{ $ref: "#/$defs/a" }] } },
        $ref: "#/$defs/a",
      }),
    },
    "combinators doubling per level (30)": {
      schema: text({ $defs: doubling, $ref: "#/$defs/d30" }),
      default_config: '"x"',
    },
    "branching recursion through items": {
      schema: text({ anyOf: [{ items: { $ref: "#" } }, { items: { $ref: "#" } }] }),
      default_config: text([[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]),
    },
    "backtracking pattern (ReDoS in JS)": {
      schema: text({ type: "object", properties: { a: { type: "string", pattern: "^(a+)+$" } } }),
      default_config: text({ a: `${"a".repeat(40_000)}!` }),
    },
    "largest pattern on a 60 KB string": {
      schema: text({ type: "object", properties: { a: { type: "string", pattern: "[a-z]{900}$" } } }),
      default_config: text({ a: "a".repeat(60_000) }),
    },
    "uniqueItems over 5,000 objects": {
      schema: text({ type: "array", uniqueItems: true }),
      default_config: text(Array.from({ length: 5000 }, (_, i) => ({ i }))),
    },
    "widest allowed object": {
      schema: text({ type: "object", properties }),
      default_config: text(wideValue),
    },
    "114 subschemas per item, 5,000 items": {
      schema: text({ type: "array", items: { anyOf: branches } }),
      default_config: text(Array.from({ length: 5000 }, (_, i) => i)),
    },
    "20 patternProperties, 1,000 keys": {
      schema: text({ type: "object", patternProperties: patterns }),
      default_config: text(manyKeys),
    },
    "14 examples of 64 KB sharing one budget": {
      schema: text({ type: "array", items: { type: "string", pattern: "^[a-z]+$" } }),
      examples: Array.from({ length: 14 }, (_, i) => ({
        name: `e${i}`,
        description: "d",
        config: text(Array.from({ length: 2800 }, () => "abcdefghijklmnopqrst")),
      })),
    },
  };
}
