import assert from "node:assert/strict";
import { test } from "node:test";
import { loadJson } from "../../core/json/load-json.ts";
import { validateManifest } from "../../core/validate/validate-manifest.ts";

const encode = (s: string): Uint8Array => new TextEncoder().encode(s);

test("J1: a 50 MB file is refused by size before it is decoded or parsed", () => {
  const bytes = new Uint8Array(50 * 1024 * 1024).fill(0x5b); // "[[[[…": parsing it would be costly
  const result = loadJson(bytes, { file: "huge.json" });
  assert.deepEqual(
    result.findings.map((f) => f.code),
    ["JSON_TOO_LARGE"],
  );
  assert.equal(result.text, undefined, "the bytes were never decoded");
});

test("J1: the size cap is configurable", () => {
  const bytes = encode(`{"a":"${"x".repeat(2000)}"}`);
  assert.equal(loadJson(bytes, { file: "f", maxBytes: 1000 }).findings[0]?.code, "JSON_TOO_LARGE");
  assert.deepEqual(loadJson(bytes, { file: "f", maxBytes: 4000 }).findings, []);
});

test("J3: loading __proto__ and constructor keys leaves Object.prototype untouched", () => {
  const hostile =
    '{"__proto__": {"polluted": "yes"}, "a": {"constructor": {"prototype": {"polluted": "yes"}}}}';
  const result = loadJson(encode(hostile), { file: "f" });
  assert.deepEqual(result.findings.map((f) => f.pointer).sort(), [
    "/__proto__",
    "/a/constructor",
    "/a/constructor/prototype",
  ]);
  assert.equal(result.value, undefined);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  validateManifest(encode(hostile), "f");
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test("J2: a duplicate key inside a string value is not a duplicate", () => {
  const result = loadJson(encode('{"a": "x\\":1, \\"a", "b": {"a": 1}}'), { file: "f" });
  assert.deepEqual(result.findings, []);
});

test("positions: a syntax error names its line and column", () => {
  const result = loadJson(encode('{\n  "a": 1,\n  "b": tru\n}'), { file: "f.json" });
  assert.equal(result.findings[0]?.code, "JSON_SYNTAX");
  assert.equal(result.findings[0]?.line, 3);
});

/** A small deterministic PRNG, so a failing fuzz case can be replayed from its seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED_MANIFEST = JSON.stringify({
  metadata: { name: "fuzz-me", version: "1.0.0", description: "A manifest to mutate", author: "Fuzz" },
  specification: {
    spec_version: "0.1.0",
    supported_providers: ["aws"],
    service_definition: { service_name: "CostSourceService", package_name: "finfocus.v1", methods: ["Name"] },
  },
  installation: { installation_method: "binary" },
  configuration: { schema: '{"type":"object"}', default_config: "{}" },
  requirements: { dependencies: [{ name: "x", version_constraint: ">=1.0.0,<2.0.0" }] },
});

test("fuzz: random and mutated bytes never make the loader or the validator throw", () => {
  const random = prng(20261126);
  const seed = encode(SEED_MANIFEST);
  const tokens = [
    '"',
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\\",
    "\\u",
    "__proto__",
    "\u202e",
    "\ufeff",
    "1e999",
    "-",
    "null",
  ];
  for (let i = 0; i < 3000; i++) {
    let bytes: Uint8Array;
    if (i % 3 === 0) {
      bytes = new Uint8Array(Math.floor(random() * 200)).map(() => Math.floor(random() * 256));
    } else {
      bytes = seed.slice();
      const edits = 1 + Math.floor(random() * 4);
      let text = new TextDecoder().decode(bytes);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * text.length);
        const token = tokens[Math.floor(random() * tokens.length)] ?? "";
        text =
          random() < 0.5
            ? text.slice(0, at) + token + text.slice(at)
            : text.slice(0, at) + text.slice(at + 1);
      }
      bytes = encode(text);
      if (random() < 0.2) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
    }
    const result = validateManifest(bytes, "fuzz.json");
    assert.ok(Array.isArray(result.findings), `case ${i}`);
    if (result.value === undefined)
      assert.ok(result.findings.length > 0, `case ${i}: no value means findings`);
  }
});
