import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { PluginRecord, VersionRecord } from "../../core/registry.types.ts";
import { atomFeed, xmlEscape } from "../../generator/feeds.ts";
import { canonicalJson, sharedCanonicalJson } from "../../generator/json.ts";
import type { FeedEntry } from "../../generator/model.types.ts";
import { upstreamEntry } from "../../generator/registry-json.ts";
import { upstreamFile } from "../upstream.ts";
import { build, copyFixture, tempDir } from "./helpers.ts";

const UPSTREAM_SCHEMA = upstreamFile("finfocus-spec", "schemas", "plugin_registry.schema.json");

test("canonical JSON sorts keys recursively, keeps array order, ends with a newline", () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } }),
    '{\n  "a": {\n    "d": [\n      3,\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n',
  );
});

/** The definition canonical JSON must meet: a copy with sorted keys, undefined members dropped. */
const sortedCopy = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortedCopy(v);
  }
  return out;
};

test("canonical JSON is JSON.stringify of a key-sorted copy, for every kind of member", () => {
  const values: unknown[] = [
    {},
    [],
    { a: {}, b: [], c: [{}], d: [[]] },
    { "10": 1, "9": 2, b: 3, "01": 4, "": 5, A: 6, é: 7, "\uD83D\uDE00": 8, "-1": 9 },
    // Past the largest array index: a name like any other; and the largest index itself.
    { b: 1, "4294967295": 2 },
    { b: 1, "4294967295": 2, "4294967294": 3 },
    { a: 1, b: { c: 2, d: [{ e: 3, f: 4 }] } },
    { f: () => 1, s: Symbol("s"), u: undefined, n: null, x: [undefined, () => 1, Symbol("t"), null] },
    { only: undefined, fn: () => 2 },
    [Number.NaN, Number.POSITIVE_INFINITY, -0, 1e21, 0.1, -5, true, false],
    { text: 'quote " backslash \\ newline \n tab \t nul \u0000 lone \uD800 line \u2028' },
    JSON.parse('{"__proto__": {"a": 1}, "b": [1, {"c": {"d": "e"}}]}'),
    Object.assign(new Array(3), { 0: 1, 2: 3, extra: "dropped" }),
    new Date(0),
    // Objects in order holding some that are not, or that are not plain data.
    { a: 1, b: { d: 1, c: 2 }, e: [{ g: 1, f: 2 }, { h: 3 }] },
    { a: new Date(0), b: [new Date(0)], c: Object.assign(Object.create(null), { y: 1, x: 2 }) },
    { a: JSON.parse('{"__proto__": 1, "b": 2}'), b: JSON.parse('{"a": {"__proto__": {"c": 1}}}') },
    {
      a: new (class {
        z = 1;
        y = 2;
        toJSON() {
          return "its own text";
        }
      })(),
    },
    "top",
    7,
    null,
  ];
  for (const value of values) {
    assert.equal(canonicalJson(value), `${JSON.stringify(sortedCopy(value), null, 2)}\n`);
  }
});

test("canonical JSON is JSON.stringify of a key-sorted copy, for 2,000 generated values (seeded)", () => {
  // A small linear congruential generator: the same values on every run.
  let seed = 0x2f6e2b1;
  const next = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const KEYS = ["a", "b", "z", "A", "_", "10", "9", "0", "01", "é", "__proto__", "", "aa", "b1"];
  const value = (depth: number): unknown => {
    switch (next(depth > 3 ? 5 : 8)) {
      case 0:
        return next(3) === 0 ? undefined : null;
      case 1:
        return next(1000) - 500;
      case 2:
        return KEYS[next(KEYS.length)];
      case 3:
        return next(2) === 0;
      case 4:
        return next(2) === 0 ? {} : [];
      case 5:
        return Array.from({ length: next(4) }, () => value(depth + 1));
      default: {
        // Keys inserted in random order, sometimes already sorted, sometimes from JSON.parse.
        const keys = Array.from({ length: next(6) }, () => KEYS[next(KEYS.length)] as string);
        if (next(2) === 0) keys.sort();
        const members = keys.map((k) => [k, value(depth + 1)] as const);
        if (next(4) === 0)
          return JSON.parse(
            `{${members.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v ?? null)}`).join(",")}}`,
          );
        const out: Record<string, unknown> = {};
        for (const [k, v] of members) if (k !== "__proto__") out[k] = v;
        return out;
      }
    }
  };
  const json = sharedCanonicalJson();
  for (let i = 0; i < 2000; i++) {
    const v = value(0);
    const expected = `${JSON.stringify(sortedCopy(v), null, 2)}\n`;
    assert.equal(canonicalJson(v), expected, JSON.stringify(v));
    assert.equal(json(v), expected, JSON.stringify(v));
  }
});

test("documents rendered through one shared function render a member they share once, as canonicalJson would", () => {
  let reads = 0;
  // A member whose every read is counted: rendering it reads it once.
  const counted = {
    get price() {
      reads++;
      return 1.5;
    },
    b: [true, null],
  };
  const versions = [counted, { z: "last", a: undefined }];
  const document = { name: "x", versions, latest: { b: 2, a: 1 }, n: 3 };
  const versionIndex = { versions, api_version: "v1" };
  const json = sharedCanonicalJson();
  assert.equal(json(document), canonicalJson(document));
  assert.equal(json(versionIndex), canonicalJson(versionIndex));
  // Twice through `json` above (once), twice through canonicalJson.
  assert.equal(reads, 3);
  // Not an object at the top: as canonicalJson.
  for (const value of [versions, "text", 4, null]) assert.equal(json(value), canonicalJson(value));
  // Another function remembers nothing of the first.
  reads = 0;
  const other = sharedCanonicalJson();
  other(versionIndex);
  assert.equal(reads, 1);
});

test("XML escaping covers markup and quotes and drops characters XML cannot carry", () => {
  assert.equal(xmlEscape(`<a href="x">&'</a>`), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
  assert.equal(
    xmlEscape("bell\u0007 tab\t nul\u0000 lone\uD800 pair\uD83D\uDE00"),
    "bell tab\t nul lone pair\uD83D\uDE00",
  );
});

test("an Atom feed names itself, is updated at its newest entry, and escapes every text", () => {
  const entry: FeedEntry = {
    name: "x",
    version: "1.0.0",
    description: "costs </summary><script>alert(1)</script>",
    author: "A & B",
    published_at: "2025-01-02T00:00:00Z",
    yanked: true,
    deprecated: false,
    manifest_url: "api/v1/plugins/x/versions/1.0.0/manifest.json",
  };
  const xml = atomFeed([entry], {
    baseUrl: "https://r.example.test",
    selfPath: "feeds/plugins/x.xml",
    title: "x releases",
    fallbackUpdated: "2026-01-01T00:00:00Z",
  });
  assert.match(xml, /<updated>2025-01-02T00:00:00Z<\/updated>/);
  assert.match(xml, /<id>https:\/\/r\.example\.test\/feeds\/plugins\/x\.xml<\/id>/);
  assert.match(xml, /&lt;\/summary&gt;&lt;script&gt;/);
  assert.match(xml, /<name>A &amp; B<\/name>/);
  assert.match(xml, /\(Yanked\.\)<\/summary>/);
  assert.doesNotMatch(xml, /<script>/);
});

test("the releases feed holds the newest 50 versions, newest first", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const result = await build(copyFixture(dir), path.join(dir, "out"));
    const releases = result.model?.releases ?? [];
    assert.equal(releases.length, 6);
    assert.deepEqual(
      releases.map((r) => `${r.name}@${r.version}`),
      [
        "gamma-multi@1.0.0",
        "alpha-cost@2.0.0-rc.1",
        "alpha-cost@1.1.0",
        "beta-k8s@0.2.0",
        "alpha-cost@1.0.0",
        "gamma-multi@0.9.0",
      ],
    );
  } finally {
    cleanup();
  }
});

function record(
  manifestPatch: Record<string, unknown>,
  entryPatch: Partial<PluginRecord["entry"]> = {},
): {
  plugin: PluginRecord;
  latest: VersionRecord;
} {
  const manifest = {
    metadata: {
      name: "p",
      version: "1.0.0",
      description: "A plugin that does things.",
      author: "Me",
      ...manifestPatch,
    },
    specification: {
      spec_version: "0.1.0",
      supported_providers: ["aws", "aws"],
      capabilities: ["caching", "cost_retrieval"],
      service_definition: { service_name: "S", package_name: "p.v1", methods: ["Name"] },
    },
    installation: { installation_method: "binary" },
  } as unknown as VersionRecord["manifest"];
  const latest: VersionRecord = {
    version: "1.0.0",
    file: "plugins/p/versions/1.0.0.json",
    manifest,
    sha256: "0".repeat(64),
  };
  const plugin: PluginRecord = {
    name: "p",
    entry: { name: "p", owners: [], repository: "org/p", ...entryPatch },
    entryFile: "plugins/p/entry.json",
    versions: [latest],
  };
  return { plugin, latest };
}

test("registry.json entries map fields faithfully and drop what upstream cannot express", () => {
  const { plugin, latest } = record({ homepage: "https://p.example.test/a b" }, { deprecated: true });
  latest.manifest.security = { security_level: "verified" };
  const result = upstreamEntry(plugin, latest);
  assert.ok("entry" in result);
  assert.deepEqual(result.entry.supported_providers, ["aws"]);
  assert.deepEqual(result.entry.capabilities, ["cost_retrieval"]);
  assert.equal(result.entry.security_level, "community", "the FinFocus CLI has no 'verified'");
  assert.equal(result.entry.homepage, undefined);
  assert.equal(result.entry.deprecated, true);
  assert.equal(typeof result.entry.deprecation_message, "string");
  const short = record({ description: "Too short" });
  short.latest.manifest.security = { security_level: "community" };
  assert.deepEqual(upstreamEntry(short.plugin, short.latest), {
    omitted: { name: "p", reason: "description shorter than 10 characters" },
  });
});

test("registry.json validates under upstream's plugin_registry.schema.json", {
  skip: !existsSync(UPSTREAM_SCHEMA) && `upstream schema not found at ${UPSTREAM_SCHEMA}`,
}, async () => {
  const { dir, cleanup } = tempDir();
  try {
    const out = path.join(dir, "out");
    await build(copyFixture(dir), out);
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(UPSTREAM_SCHEMA, "utf8")));
    const doc = JSON.parse(readFileSync(path.join(out, "api/v1/registry.json"), "utf8")) as {
      plugins: Record<string, { deprecated?: boolean; security_level: string }>;
    };
    assert.ok(validate(doc), JSON.stringify(validate.errors));
    assert.deepEqual(Object.keys(doc.plugins), ["alpha-cost", "beta-k8s", "gamma-multi"]);
    assert.equal(doc.plugins["beta-k8s"]?.deprecated, true);
    assert.equal(
      doc.plugins["beta-k8s"]?.security_level,
      "community",
      "verified, as the FinFocus CLI says it",
    );
  } finally {
    cleanup();
  }
});
