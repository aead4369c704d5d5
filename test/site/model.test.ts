/** The two ways in: the API documents on disk, and the generator's model handed over in memory. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { GENERATOR_RELEASES_FEED, pageCount, toSiteModel, viewOf } from "../../site/lib/model.ts";
import type { GeneratorModel } from "../../site/lib/model.types.ts";
import { loadModel } from "../../site/lib/model-fs.ts";

const FIXTURE = join(import.meta.dirname, "../fixtures/site");

test("loadModel reads every plugin document and manifest, and finds the releases feed", async () => {
  const model = await loadModel(FIXTURE);
  assert.equal(model.plugins.length, 5);
  assert.equal(model.manifests["aws-cost-explorer"]?.["1.1.1"]?.metadata.version, "1.1.1");
  assert.equal(model.releasesFeed, GENERATOR_RELEASES_FEED);
  // home, publish, api, 404, one list page, 5 plugin pages, 11 version pages
  assert.equal(pageCount(model), 4 + 1 + 5 + 11);
  const view = viewOf(model);
  assert.deepEqual(view.dependents.get("aws-cost-explorer"), ["kubecost-bridge"]);
  assert.equal(view.newest[0]?.name, "aws-cost-explorer");
  assert.ok(view.newest.every((r) => !r.version.yanked));
});

test("the generator's model is accepted as is and regrouped without copies", async () => {
  const disk = await loadModel(FIXTURE);
  const generator: GeneratorModel = {
    discovery: disk.discovery,
    index: disk.index,
    plugins: disk.plugins.map((document) => ({
      document,
      versions: document.versions.map((v) => ({
        version: v.version,
        manifest: disk.manifests[document.name]![v.version]!,
      })),
    })),
    releases: [],
  };
  const site = toSiteModel(generator);
  assert.equal(site.plugins[0], disk.plugins[0]);
  assert.equal(site.manifests["kubecost-bridge"]?.["1.0.0"], disk.manifests["kubecost-bridge"]?.["1.0.0"]);
  assert.equal(site.releasesFeed, GENERATOR_RELEASES_FEED);
  assert.equal(toSiteModel(site), site);
});
