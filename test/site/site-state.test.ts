/**
 * A site build whose inputs did not change is skipped (site/lib/site-state-fs.ts); any change to
 * the model, the pages written or the site's own files, or `force`, builds again.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { buildSite, type SiteModel } from "../../site/build.ts";
import { siteKey } from "../../site/lib/site-state-fs.ts";
import { OUTPUT } from "./browser.ts";

function emptyModel(name: string): SiteModel {
  const generated = "2026-01-01T00:00:00Z";
  return {
    discovery: {
      api_version: "v1",
      api_root: "api/v1/",
      registry_name: name,
      base_url: "https://example.test/",
      spec_versions: ["0.1.0"],
      generated_at: generated,
      plugin_count: 0,
    },
    index: { api_version: "v1", generated_at: generated, plugins: [] },
    plugins: [],
    manifests: {},
  };
}

test("an unchanged site is skipped; a changed model, a missing page or force builds again", async () => {
  const out = join(OUTPUT, "site-state");
  await rm(out, { recursive: true, force: true });
  const first = await buildSite({ model: emptyModel("Registry A"), outDir: out });
  assert.equal(first.skipped, false);
  const index = join(out, "index.html");
  const mtime = statSync(index).mtimeMs;

  const again = await buildSite({ model: emptyModel("Registry A"), outDir: out });
  assert.deepEqual(again, { ...first, skipped: true });
  assert.equal(statSync(index).mtimeMs, mtime, "nothing was written");

  const renamed = await buildSite({ model: emptyModel("Registry B"), outDir: out });
  assert.equal(renamed.skipped, false);
  assert.match(readFileSync(index, "utf8"), /Registry B/);

  rmSync(join(out, "404.html"));
  assert.equal((await buildSite({ model: emptyModel("Registry B"), outDir: out })).skipped, false);
  assert.ok(statSync(join(out, "404.html")).isFile(), "the missing page is back");

  const forced = await buildSite({ model: emptyModel("Registry B"), outDir: out, force: true });
  assert.equal(forced.skipped, false);
});

test("the key covers the model, the base, the origin and every file of the Astro project", () => {
  const root = mkdtempSync(join(tmpdir(), "site-key-"));
  try {
    mkdirSync(join(root, "src", "pages"), { recursive: true });
    writeFileSync(join(root, "src", "pages", "index.astro"), "<h1>one</h1>\n");
    const model = emptyModel("R");
    const key = siteKey(model, "/", "https://example.test/", root);
    assert.equal(siteKey(emptyModel("R"), "/", "https://example.test/", root), key);
    assert.notEqual(siteKey(emptyModel("S"), "/", "https://example.test/", root), key);
    assert.notEqual(siteKey(model, "/registry/", "https://example.test/", root), key);
    const withManifest = (description: string): SiteModel => ({
      ...emptyModel("R"),
      manifests: {
        p: { "1.0.0": { metadata: { description } } as unknown as SiteModel["manifests"][string][string] },
      },
    });
    assert.notEqual(
      siteKey(withManifest("one"), "/", "https://example.test/", root),
      siteKey(withManifest("two"), "/", "https://example.test/", root),
      "a change deep in one manifest",
    );
    assert.notEqual(siteKey(model, "/", "https://other.test/", root), key);
    writeFileSync(join(root, "src", "pages", "index.astro"), "<h1>two</h1>\n");
    const edited = siteKey(model, "/", "https://example.test/", root);
    assert.notEqual(edited, key);
    writeFileSync(join(root, "src", "pages", "new.astro"), "<h1>new</h1>\n");
    assert.notEqual(siteKey(model, "/", "https://example.test/", root), edited);
    // Astro's own caches are not inputs.
    const before = siteKey(model, "/", "https://example.test/", root);
    mkdirSync(join(root, ".astro"));
    writeFileSync(join(root, ".astro", "types.d.ts"), "// generated\n");
    assert.equal(siteKey(model, "/", "https://example.test/", root), before);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a pending model is loaded only when its fingerprint changed", async () => {
  const out = join(OUTPUT, "site-state-pending");
  await rm(out, { recursive: true, force: true });
  let loads = 0;
  const pending = (fingerprint: string) => ({
    fingerprint,
    baseUrl: "https://example.test/",
    load: async () => {
      loads++;
      return emptyModel(`Registry ${fingerprint}`);
    },
  });
  const first = await buildSite({ pending: pending("one"), outDir: out });
  assert.equal(first.skipped, false);
  assert.equal(loads, 1);
  const again = await buildSite({ pending: pending("one"), outDir: out });
  assert.deepEqual(again, { ...first, skipped: true });
  assert.equal(loads, 1, "an unchanged fingerprint never loads the model");
  const changed = await buildSite({ pending: pending("two"), outDir: out });
  assert.equal(changed.skipped, false);
  assert.equal(loads, 2);
  assert.match(readFileSync(join(out, "index.html"), "utf8"), /Registry two/);
});

test("a symbolic link or a pipe below the output folder is refused before Astro writes anything (B1)", async () => {
  const elsewhere = mkdtempSync(join(tmpdir(), "site-elsewhere-"));
  const out = mkdtempSync(join(tmpdir(), "site-links-"));
  try {
    writeFileSync(join(elsewhere, "index.html"), "not ours");
    for (const plant of [
      () => symlinkSync(join(elsewhere, "index.html"), join(out, "index.html")),
      () => symlinkSync(elsewhere, join(out, "plugins")),
      () => {
        mkdirSync(join(out, "plugins", "alpha"), { recursive: true });
        symlinkSync(elsewhere, join(out, "plugins", "alpha", "v1"));
      },
      () => execFileSync("mkfifo", [join(out, "404.html")]),
    ]) {
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out);
      plant();
      await assert.rejects(buildSite({ model: emptyModel("Registry A"), outDir: out }), (error: unknown) => {
        assert.equal((error as { code?: string }).code, "UNSAFE_OUTPUT_PATH", String(error));
        assert.match(
          (error as Error).message,
          /refusing to write through .*: it is a (symbolic link|special file)/,
        );
        return true;
      });
      assert.deepEqual(readdirSync(elsewhere), ["index.html"]);
      assert.equal(readFileSync(join(elsewhere, "index.html"), "utf8"), "not ours");
      assert.ok(!existsSync(join(out, "_astro")), "Astro wrote nothing");
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  }
});
