/**
 * The registry-wide lists patched from the previous build's bytes (generator/lists.ts) are the text
 * a whole render gives, whatever changed: a plugin added, removed, changed, one registry.json cannot
 * express; a previous text that does not read as expected is not patched.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { PluginSummary } from "../../core/api/api.types.ts";
import { canonicalJson } from "../../generator/json.ts";
import { patchedIndex as index, patchedRegistry as registry } from "../../generator/lists.ts";
import { pluginIndex, upstreamRegistry } from "../../generator/model.ts";
import type { BuildModel, UpstreamRegistryEntry } from "../../generator/model.types.ts";

interface Plugin {
  name: string;
  description: string;
  /** Registry.json cannot express it. */
  omitted?: boolean;
  /** Kept as the previous build published it. */
  published?: boolean;
}

function summary(p: Plugin): PluginSummary {
  return {
    name: p.name,
    latest_version: "1.0.0",
    description: p.description,
    author: 'A "quoted" author\\',
    providers: ["aws"],
    capabilities: [],
    keywords: ["k"],
    resource_types: [],
    security_level: "community",
    signature_kind: "none",
    installation_method: "binary",
    deprecated: false,
    updated_at: "2026-01-01T00:00:00Z",
    version_count: 1,
  } as PluginSummary;
}

function entry(p: Plugin): UpstreamRegistryEntry {
  return {
    name: p.name,
    description: p.description,
    repository: `org/${p.name}`,
    author: "A",
    supported_providers: ["aws"],
    security_level: "community",
    min_spec_version: "0.1.0",
    keywords: [],
  };
}

/** A model of `plugins` (sorted by name) as the writer renders its lists. */
function model(plugins: Plugin[], generatedAt = "2026-01-02T00:00:00Z"): BuildModel {
  const registry: Record<string, UpstreamRegistryEntry> = {};
  for (const p of plugins) if (!p.omitted) registry[p.name] = entry(p);
  return {
    generated_at: generatedAt,
    index: pluginIndex(generatedAt, plugins.map(summary)),
    registry: upstreamRegistry(registry),
    plugins: plugins.map((p) => ({
      name: p.name,
      parts: {
        summary: summary(p),
        upstream: p.omitted ? { omitted: { name: p.name, reason: "r" } } : { entry: entry(p) },
      },
      ...(p.published ? { published: true, load: async () => assert.fail("not loaded") } : {}),
    })),
  } as unknown as BuildModel;
}

/** The pieces of a patched list, joined. */
const joined = (pieces: readonly Uint8Array[] | undefined) => pieces && Buffer.concat(pieces);
const patchedIndex = (m: BuildModel, previous: Buffer) => joined(index(m, previous));
const patchedRegistry = (m: BuildModel, previous: Buffer) => joined(registry(m, previous));

const both = (m: BuildModel) => ({
  index: Buffer.from(canonicalJson(m.index)),
  registry: Buffer.from(canonicalJson(m.registry)),
});

test("the lists patched from the previous text are the whole render's, whatever changed", () => {
  const before: Plugin[] = [
    { name: "alpha", description: "first plugin" },
    { name: "beta", description: "second plugin" },
    { name: "delta", description: "omitted", omitted: true },
    { name: "gamma", description: "third plugin" },
    { name: "zeta", description: "last plugin" },
  ];
  const previous = both(model(before, "2026-01-01T00:00:00Z"));
  const cases: Record<string, Plugin[]> = {
    "a plugin changed": before.map((p) =>
      p.name === "beta" ? { ...p, description: "second, changed" } : { ...p, published: true },
    ),
    "a plugin added first, one between and one last": [
      { name: "aaa", description: "new first" },
      ...before.slice(0, 2).map((p) => ({ ...p, published: true })),
      { name: "bz", description: "new between" },
      ...before.slice(2).map((p) => ({ ...p, published: true })),
      { name: "zz", description: "new last", omitted: true },
    ],
    "a plugin removed": before.filter((p) => p.name !== "gamma").map((p) => ({ ...p, published: true })),
    "the first and the last removed": before.slice(1, -1).map((p) => ({ ...p, published: true })),
    "a plugin registry.json could express no longer can, and one it could not now can": before.map((p) =>
      p.name === "beta"
        ? { ...p, omitted: true }
        : p.name === "delta"
          ? { ...p, omitted: false }
          : { ...p, published: true },
    ),
    "none published as before": before.map((p) => ({ ...p, description: `${p.description}!` })),
    "one plugin left": [{ ...(before[0] as Plugin), published: true }],
  };
  for (const [what, plugins] of Object.entries(cases)) {
    const m = model(plugins);
    const expected = both(m);
    assert.deepEqual(patchedIndex(m, previous.index), expected.index, `${what}: the index`);
    assert.deepEqual(patchedRegistry(m, previous.registry), expected.registry, `${what}: registry.json`);
  }
});

test("a previous text that does not read as expected is not patched", () => {
  const before: Plugin[] = [
    { name: "alpha", description: "first plugin" },
    { name: "beta", description: "second plugin" },
  ];
  const previous = both(model(before));
  const m = model(before.map((p) => ({ ...p, published: true })));
  assert.deepEqual(patchedIndex(m, previous.index), Buffer.from(canonicalJson(m.index)));
  // A plugin kept as published that the previous index does not list.
  const more = model(
    [...before, { name: "gamma", description: "third" }].map((p) => ({ ...p, published: true })),
  );
  assert.equal(patchedIndex(more, previous.index), undefined);
  // Not the document: another one, cut short, empty lists, a member that is not an object (in
  // the middle, first, last), a name twice.
  const index = previous.index.toString();
  for (const bad of [
    previous.registry.toString(),
    index.slice(0, -10),
    canonicalJson(pluginIndex("x", [])),
    index.replace("\n    },\n    {", '\n    },\n    "stray",\n    {'),
    index.replace('"plugins": [\n    {', '"plugins": [\n    "stray",\n    {'),
    index.replace("\n    }\n  ]", '\n    },\n    "stray"\n  ]'),
    index.replace('"name": "alpha"', '"name": "beta"'),
    "",
  ])
    assert.equal(patchedIndex(m, Buffer.from(bad)), undefined, bad.slice(0, 80));
  assert.equal(patchedRegistry(m, previous.index), undefined);
  const registry = previous.registry.toString();
  for (const bad of [
    registry.replace('"beta": {', '"stray": 1,\n    "beta": {'),
    registry.replace('"alpha": {', '"stray": [],\n    "alpha": {'),
  ])
    assert.equal(patchedRegistry(m, Buffer.from(bad)), undefined, bad.slice(0, 80));
  // Names registry.json lists first whatever their order (index-like) are not spliced.
  const numeric = model([{ name: "123", description: "digits", published: true }, ...before]);
  assert.equal(patchedRegistry(numeric, Buffer.from(canonicalJson(numeric.registry))), undefined);
  // Nothing to list: the empty container renders otherwise.
  assert.equal(patchedIndex(model([]), previous.index), undefined);
});
