import assert from "node:assert/strict";
import { test } from "node:test";
import { loadJson, scanStructure } from "../../core/json/load-json.ts";
import { attachPositions, MAX_TREE_DEPTH } from "../../core/json/positions.ts";
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

test("J1: brackets that do not match, repeated, neither overflow the stack nor hide the first error", () => {
  // JSON.parse and the depth count see depth 2 (each `]` closes what `{` opened); jsonc-parser,
  // recovering from each error, would nest one level per repetition, 20,000 deep.
  const repeated = `{"metadata": ${'{"a": "b"], "c": '.repeat(20_000)}1}`;
  for (const text of [repeated, `{"a": [1,\n 2}${"]".repeat(50)}, "b": ${"{".repeat(60)}`]) {
    const result = loadJson(encode(text), { file: "f.json" });
    assert.equal(result.value, undefined);
    assert.equal(result.findings.length, 1);
    assert.equal(result.findings[0]?.code, "JSON_SYNTAX");
    assert.ok(result.findings[0]?.line !== undefined, "the first error keeps its position");
    assert.equal(validateManifest(encode(text), "f.json").findings[0]?.code, "JSON_SYNTAX");
  }
  const first = loadJson(encode(repeated), { file: "f.json" }).findings[0];
  assert.deepEqual([first?.line, first?.column], [1, 23], "at the first `]`");
});

test("J1: positions of findings in a text that nests too deep for a tree are left out, not a crash", () => {
  const deep = `${"[".repeat(MAX_TREE_DEPTH + 1)}${"]".repeat(MAX_TREE_DEPTH + 1)}`;
  const mismatched = `{"a": ${'{"b": "c"], "d": '.repeat(5_000)}1}`;
  const finding = {
    code: "ENTRY_INVALID",
    severity: "error",
    message: "m",
    file: "f.json",
    pointer: "/a",
  } as const;
  for (const text of [deep, mismatched]) assert.deepEqual(attachPositions([finding], text), [finding]);
  // Within the bound, positions are given as before.
  const shallow = `${"[".repeat(MAX_TREE_DEPTH - 1)}${"]".repeat(MAX_TREE_DEPTH - 1)}`;
  assert.equal(attachPositions([{ ...finding, pointer: "" }], shallow)[0]?.line, 1);
  assert.equal(attachPositions([finding], '{\n  "a": 1\n}')[0]?.line, 2);
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

/** The structure scan's plain definition: every character in turn, a backslash in a string skipping the next. */
function scanByCharacter(text: string, limit: number): ReturnType<typeof scanStructure> {
  let depth = 0;
  let maxDepth = 0;
  let deepAt = 0;
  let colons = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ":") colons++;
    else if (c === "{" || c === "[") {
      if (++depth > maxDepth) {
        maxDepth = depth;
        if (depth === limit + 1) deepAt = i;
      }
    } else if (c === "}" || c === "]") depth--;
  }
  return { maxDepth, deepAt, colons };
}

test("the structure scan (depth, where it passes the limit, colons outside strings) agrees with its plain definition", () => {
  const random = prng(20261203);
  // Quotes, runs of backslashes and structure inside and outside strings, unterminated strings.
  const pieces = ['"', "\\", "\\\\", '\\"', ":", "{", "}", "[", "]", " ", "\n", "a", "é", "\u202e", ","];
  const cases = ['"\\\\"', '{"a\\"":1}', '{"a":"\\\\\\"":[]}', '"open', '"\\', "", "[[[[", SEED_MANIFEST];
  for (let i = 0; i < 5000; i++) {
    let text = "";
    const length = Math.floor(random() * 40);
    for (let j = 0; j < length; j++) text += pieces[Math.floor(random() * pieces.length)];
    cases.push(text);
  }
  for (const text of cases)
    for (const limit of [0, 1, 2, 64])
      assert.deepEqual(scanStructure(text, limit), scanByCharacter(text, limit), JSON.stringify(text));
});

test("J5: an invisible character is refused whether the text around it is plain ASCII or not", () => {
  const withAuthor = (raw: string): Uint8Array =>
    encode(SEED_MANIFEST.replace('"author":"Fuzz"', `"author":${raw}`));
  const unsafe = (bytes: Uint8Array): string[] =>
    validateManifest(bytes, "m.json")
      .findings.filter((f) => f.code === "UNSAFE_TEXT")
      .map((f) => f.pointer);
  const refused = ["/metadata/author"];
  // As itself: DEL (ASCII, so the text is not plain), RLO and a soft hyphen (not ASCII).
  assert.deepEqual(unsafe(withAuthor('"Fuzz\x7f"')), refused);
  assert.deepEqual(unsafe(withAuthor('"Fuzz\u202e"')), refused);
  assert.deepEqual(unsafe(withAuthor('"Fuzz\u00ad"')), refused);
  // As an escape in an otherwise plain ASCII file.
  assert.deepEqual(unsafe(withAuthor('"Fuzz\\u202e"')), refused);
  assert.deepEqual(unsafe(withAuthor('"Fuzz\\u007f"')), refused);
  // Clean: plain ASCII, and text with accents (not plain, still clean).
  assert.equal(loadJson(withAuthor('"Fuzz"'), { file: "m.json" }).plain, true);
  assert.equal(loadJson(withAuthor('"Füzz"'), { file: "m.json" }).plain, false);
  assert.equal(loadJson(withAuthor('"Fuzz\x7f"'), { file: "m.json" }).plain, false);
  assert.deepEqual(unsafe(withAuthor('"Fuzz"')), []);
  assert.deepEqual(unsafe(withAuthor('"Füzz"')), []);
});

test("J4: a \\u escape of a lone surrogate is refused wherever it is; pairs and escaped backslashes are not", () => {
  const codes = (text: string) =>
    loadJson(encode(text), { file: "m.json" }).findings.map((f) => `${f.code} ${f.pointer}`);
  assert.deepEqual(codes(SEED_MANIFEST.replace('"author":"Fuzz"', '"author":"Ac\\ud800me"')), [
    "JSON_LONE_SURROGATE /metadata/author",
  ]);
  assert.deepEqual(codes('{"a":["x","\\uDC00"]}'), ["JSON_LONE_SURROGATE /a/1"]);
  assert.deepEqual(codes('{"a":{"\\udfff":1}}'), ["JSON_LONE_SURROGATE /a"]);
  assert.deepEqual(codes('{"a":"\\ud800\\ud800\\udc00"}'), ["JSON_LONE_SURROGATE /a"]);
  // A pair is one character; an escaped backslash before `ud800` is text; the character itself is fine.
  assert.deepEqual(codes('{"a":"\\ud83d\\ude00","b":"\\\\ud800","c":"😀"}'), []);
  // The validator refuses the manifest (and nothing crashes on the way).
  const bytes = encode(SEED_MANIFEST.replace('"author":"Fuzz"', '"author":"\\udbff"'));
  assert.ok(validateManifest(bytes, "m.json").findings.some((f) => f.code === "JSON_LONE_SURROGATE"));
});
