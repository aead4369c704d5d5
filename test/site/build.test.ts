/** buildSite on its own: an empty registry builds, the API already in outDir is kept, pages are counted. */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { buildSite, type SiteModel } from "../../site/build.ts";
import { OUTPUT } from "./browser.ts";

test("an empty registry builds into a folder that already holds the API", async () => {
  const out = join(OUTPUT, "site-empty");
  await rm(out, { recursive: true, force: true });
  await mkdir(join(out, "api", "v1"), { recursive: true });
  await writeFile(join(out, "api", "v1", "keep.json"), "{}\n");
  const generated = "2026-01-01T00:00:00Z";
  const model: SiteModel = {
    discovery: {
      api_version: "v1",
      api_root: "api/v1/",
      registry_name: "Empty",
      base_url: "https://example.test/",
      spec_versions: ["0.1.0"],
      generated_at: generated,
      plugin_count: 0,
    },
    index: { api_version: "v1", generated_at: generated, plugins: [] },
    plugins: [],
    manifests: {},
  };
  const result = await buildSite({ model, outDir: out });
  assert.equal(result.pages, 5);
  assert.ok(existsSync(join(out, "api", "v1", "keep.json")), "API files are kept");
  assert.ok(existsSync(join(out, "index.html")));
  assert.ok(existsSync(join(out, "404.html")));
  assert.match(
    readFileSync(join(out, "index.html"), "utf8"),
    /id="empty-registry"[^>]*>This registry has no plugins yet\. [^<]*<a href="\/publish\/">publish the first one<\/a>/,
    "an empty registry's home page says what to do",
  );
  assert.equal(JSON.parse(readFileSync(join(out, "search", "index.json"), "utf8")).n, 0);
  assert.match(
    readFileSync(join(out, "sitemap.xml"), "utf8"),
    /<loc>https:\/\/example\.test\/publish\/<\/loc>/,
  );
  assert.ok(!existsSync(join(out, ".prerender")), "Astro's prerender bundle is not left behind");
});
