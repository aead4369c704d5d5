/**
 * A site build after a change in a few plugins renders only their pages (and the pages that list
 * plugins), and what it leaves in place is what a full build writes: every HTML page of the
 * partial build equals a full build's from scratch, after a plugin's own change, a change that
 * reaches another plugin's page (a dependency dropped: the other's "Used by"), and a removal
 * (its pages are deleted). A change every page shows (the registry's name) renders everything.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { test } from "node:test";
import { buildSite, type SiteModel } from "../../site/build.ts";
import { loadModel } from "../../site/lib/model-fs.ts";
import { FIXTURE_API, OUTPUT } from "./browser.ts";

/** Every HTML page under `dir`: relative path → bytes. */
function pages(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !e.name.endsWith(".html")) continue;
    const full = join(e.parentPath, e.name);
    out.set(relative(dir, full).split(sep).join("/"), readFileSync(full, "utf8"));
  }
  return out;
}

const mtimes = (dir: string, rels: string[]) => rels.map((rel) => statSync(join(dir, rel)).mtimeMs);

/** The partial build's pages are a full build's, byte for byte. */
async function assertAsFullBuild(model: SiteModel, partialDir: string): Promise<void> {
  const full = join(OUTPUT, "partial-full");
  await rm(full, { recursive: true, force: true });
  await buildSite({ model, outDir: full });
  const expected = pages(full);
  const actual = pages(partialDir);
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), "the same pages");
  for (const [rel, html] of expected) assert.equal(actual.get(rel), html, `${rel} as a full build writes it`);
}

function edit(
  model: SiteModel,
  name: string,
  change: (doc: SiteModel["plugins"][number]) => void,
): SiteModel {
  const next = structuredClone(model);
  const doc = next.plugins.find((p) => p.name === name);
  assert.ok(doc, name);
  change(doc);
  return next;
}

test("a change in a few plugins renders their pages only, and the result equals a full build", async () => {
  const out = join(OUTPUT, "partial");
  await rm(out, { recursive: true, force: true });
  const model = await loadModel(FIXTURE_API);
  const first = await buildSite({ model, outDir: out });
  assert.equal(first.partial, undefined, "the first build renders everything");
  const others = ["plugins/aws-cost-explorer/index.html", "plugins/kubecost-bridge/index.html"];
  const untouched = mtimes(out, others);

  // One plugin's own text: its pages only.
  const described = edit(model, "csv-cost-import", (doc) => {
    doc.latest.metadata.description = "Imports costs from CSV files, now with a new description.";
  });
  const one = await buildSite({ model: described, outDir: out });
  assert.deepEqual(one.partial, { plugins: 1 });
  assert.deepEqual(mtimes(out, others), untouched, "other plugins' pages were not written");
  assert.match(
    readFileSync(join(out, "plugins/csv-cost-import/index.html"), "utf8"),
    /now with a new description/,
  );
  await assertAsFullBuild(described, out);

  // kubecost-bridge drops its dependency: aws-cost-explorer's page loses "Used by" too.
  const dropped = edit(described, "kubecost-bridge", (doc) => {
    if (doc.latest.requirements) doc.latest.requirements.dependencies = [];
  });
  const two = await buildSite({ model: dropped, outDir: out });
  assert.deepEqual(two.partial, { plugins: 2 });
  assert.doesNotMatch(readFileSync(join(out, "plugins/aws-cost-explorer/index.html"), "utf8"), /Used by/);

  // A plugin removed: its pages are deleted, nothing else of it stays.
  const removed = structuredClone(dropped);
  removed.plugins = removed.plugins.filter((p) => p.name !== "gcp-billing-export");
  removed.index.plugins = removed.index.plugins.filter((p) => p.name !== "gcp-billing-export");
  delete removed.manifests["gcp-billing-export"];
  const three = await buildSite({ model: removed, outDir: out });
  assert.deepEqual(three.partial, { plugins: 0 });
  assert.equal(
    [...pages(out).keys()].some((rel) => rel.startsWith("plugins/gcp-billing-export/")),
    false,
    "its pages are gone",
  );
  await assertAsFullBuild(removed, out);

  // What every page shows: every plugin's pages are rendered.
  const renamed = structuredClone(removed);
  renamed.discovery.registry_name = "Another Registry";
  const four = await buildSite({ model: renamed, outDir: out });
  assert.equal(four.partial, undefined);
  assert.notDeepEqual(mtimes(out, others), untouched);
  assert.match(readFileSync(join(out, "plugins/kubecost-bridge/index.html"), "utf8"), /Another Registry/);
});
