/** The compact search index: records decode to the plugin's facets; shards hold every word. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { PluginIndexDocument } from "../../core/api/api.types.ts";
import { maskHas, recordWidth, type SearchMeta, shardKey, tokenize } from "../../site/lib/search-format.ts";
import { buildSearchIndex } from "../../site/lib/search-index.ts";

const index = JSON.parse(
  readFileSync(join(import.meta.dirname, "../fixtures/site/api/v1/plugins/index.json"), "utf8"),
) as PluginIndexDocument;
const files = new Map(buildSearchIndex(index.plugins).map((f) => [f.path, f.text]));
const meta = JSON.parse(files.get("search/index.json")!) as SearchMeta;

function idsFor(term: string): number[] {
  const shard = JSON.parse(files.get(`search/t/${shardKey(term)}.json`) ?? "{}") as Record<string, string>;
  let id = 0;
  return (shard[term] ?? "")
    .split(".")
    .filter(Boolean)
    .map((p) => (id += Math.floor(Number.parseInt(p, 36) / 3)));
}

test("tokenize lowercases, splits resource types and drops stop words", () => {
  assert.deepEqual(tokenize("The AWS:ec2/instance:Instance and Kubecost"), [
    "aws",
    "ec2",
    "instance",
    "instance",
    "kubecost",
  ]);
  assert.equal(shardKey("über"), "ufc-62");
});

test("records decode to each plugin's facets, in name order", () => {
  const w = recordWidth(meta);
  assert.equal(meta.records.length, w * index.plugins.length);
  const names = [...index.plugins].map((p) => p.name).sort();
  names.forEach((name, id) => {
    const p = index.plugins.find((x) => x.name === name)!;
    const r = meta.records.slice(id * w, id * w + w);
    assert.deepEqual(meta.providers.filter((_, b) => maskHas(r, 0, b)).sort(), [...p.providers].sort(), name);
    assert.equal(meta.levels[Number.parseInt(r.charAt(meta.pw), 36)], p.security_level);
    assert.equal(meta.signatures[Number.parseInt(r.charAt(meta.pw + 2), 36)], p.signature_kind);
    assert.equal(r.charAt(meta.pw + 3), p.deprecated ? "1" : "0");
    const caps = meta.capabilities.filter((_, b) => maskHas(r, meta.pw + 7, b));
    assert.deepEqual(caps.sort(), [...p.capabilities].sort());
  });
});

test("every word of names, keywords, resource types and descriptions is findable", () => {
  const names = [...index.plugins].map((p) => p.name).sort();
  const id = (name: string) => names.indexOf(name);
  assert.deepEqual(idsFor("kubecost"), [id("kubecost-bridge")]);
  assert.ok(idsFor("bigquery").includes(id("gcp-billing-export")));
  assert.ok(idsFor("ec2").includes(id("aws-cost-explorer")));
  assert.ok(idsFor("aws").includes(id("kubecost-bridge")), "provider");
  for (const key of meta.shards) assert.ok(files.has(`search/t/${key}.json`), key);
  assert.equal(JSON.parse(files.get("search/d/0.json")!).length, index.plugins.length);
});
