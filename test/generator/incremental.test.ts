import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { SUMMARIES_FILE, VERDICTS_FILE } from "../../generator/verdict-store-fs.ts";
import { STATE_FILE } from "../../generator/write-fs.ts";
import { build, copyFixture, fullBuild, listTree, tempDir, withBuiltFixture } from "./helpers.ts";

function addGammaVersion(registry: string, version: string): void {
  const dir = path.join(registry, "plugins/gamma-multi/versions");
  const manifest = JSON.parse(readFileSync(path.join(dir, "1.0.0.json"), "utf8"));
  manifest.metadata.version = version;
  manifest.metadata.created_at = "2025-06-01T00:00:00Z";
  manifest.metadata.updated_at = "2025-06-01T00:00:00Z";
  writeFileSync(path.join(dir, `${version}.json`), `${JSON.stringify(manifest, null, 2)}\n`);
}

test("adding a version writes only the documents it changes", async () => {
  await withBuiltFixture(async ({ registry, out }) => {
    addGammaVersion(registry, "1.1.0");
    const result = await build(registry, out);
    assert.deepEqual([...(result.report?.written ?? [])].sort(), [
      "api/v1/plugins/gamma-multi/index.json",
      "api/v1/plugins/gamma-multi/versions/1.1.0/manifest.json",
      "api/v1/plugins/gamma-multi/versions/index.json",
      "api/v1/plugins/index.json",
      "feeds/plugins/gamma-multi.xml",
      "feeds/releases.xml",
    ]);
    assert.deepEqual(result.report?.deleted, []);
  });
});

test("removing a plugin deletes its files and folders, and nothing the generator does not own", async () => {
  await withBuiltFixture(async ({ registry, out }) => {
    writeFileSync(path.join(out, "index.html"), "<!doctype html><title>site</title>\n");
    // beta-k8s is not a dependency of anything: removing it leaves a valid registry.
    rmSync(path.join(registry, "plugins/beta-k8s"), { recursive: true });
    const result = await build(registry, out);
    assert.deepEqual([...(result.report?.deleted ?? [])].sort(), [
      "api/v1/plugins/beta-k8s/index.json",
      "api/v1/plugins/beta-k8s/versions/0.2.0/bundle.sigstore.json",
      "api/v1/plugins/beta-k8s/versions/0.2.0/manifest.json",
      "api/v1/plugins/beta-k8s/versions/index.json",
      "feeds/plugins/beta-k8s.xml",
    ]);
    assert.equal(existsSync(path.join(out, "api/v1/plugins/beta-k8s")), false);
    assert.equal(existsSync(path.join(out, "index.html")), true);
    assert.equal(
      listTree(out).some((p) => p.includes("beta-k8s")),
      false,
    );
  });
});

test("without its state file the writer compares contents and still deletes only its own stale files", async () => {
  await withBuiltFixture(async ({ registry, out }) => {
    rmSync(path.join(out, STATE_FILE));
    // The state of an older version (JSON) is no state, and goes.
    writeFileSync(path.join(out, ".finfocus-build-state.json"), '{"version":2,"files":{},"keys":{}}');
    mkdirSync(path.join(out, "api/v1/plugins/ghost"), { recursive: true });
    writeFileSync(path.join(out, "api/v1/plugins/ghost/index.json"), "{}\n");
    writeFileSync(path.join(out, "robots.txt"), "User-agent: *\n");
    const result = await build(registry, out);
    assert.deepEqual(result.report?.written, []);
    assert.deepEqual(result.report?.deleted, ["api/v1/plugins/ghost/index.json"]);
    assert.equal(existsSync(path.join(out, "robots.txt")), true);
    assert.equal(existsSync(path.join(out, STATE_FILE)), true);
    assert.equal(existsSync(path.join(out, ".finfocus-build-state.json")), false);
  });
});

test("a registry with errors is refused and nothing is written", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const registry = copyFixture(dir);
    const out = path.join(dir, "out");
    cpSync(
      path.join(registry, "plugins/gamma-multi/versions/1.0.0.json"),
      path.join(registry, "plugins/gamma-multi/versions/1.2.0.json"),
    );
    const result = await build(registry, out);
    assert.equal(result.published, false);
    assert.ok(result.findings.some((f) => f.code === "VERSION_MISMATCH" && f.severity === "error"));
    assert.equal(existsSync(out), false);
  } finally {
    cleanup();
  }
});

test("yanking a version (an entry.json change) rewrites exactly that plugin's documents", async () => {
  await withBuiltFixture(async ({ registry, out }) => {
    const entryPath = path.join(registry, "plugins/gamma-multi/entry.json");
    const entry = JSON.parse(readFileSync(entryPath, "utf8"));
    entry.yanked = { "0.9.0": "Reports costs in the wrong currency." };
    writeFileSync(entryPath, `${JSON.stringify(entry, null, 2)}\n`);
    const result = await build(registry, out);
    assert.deepEqual([...(result.report?.written ?? [])].sort(), [
      "api/v1/plugins/gamma-multi/index.json",
      "api/v1/plugins/gamma-multi/versions/index.json",
      "feeds/plugins/gamma-multi.xml",
      "feeds/releases.xml",
    ]);
    const versions = JSON.parse(
      readFileSync(path.join(out, "api/v1/plugins/gamma-multi/versions/index.json"), "utf8"),
    );
    assert.equal(versions.versions[0].yanked_reason, "Reports costs in the wrong currency.");
  });
});

test("an unchanged plugin is skipped whole: its files edited or deleted by hand stay so until --full, which restores them; its bundle is compared", async () => {
  await withBuiltFixture(async ({ registry, out }) => {
    const document = path.join(out, "api/v1/plugins/alpha-cost/index.json");
    const manifest = path.join(out, "api/v1/plugins/alpha-cost/versions/1.1.0/manifest.json");
    const originals = [readFileSync(document), readFileSync(manifest)];
    writeFileSync(document, "{}\n");
    rmSync(manifest);
    // The bundle is not covered by the plugin's key: edited in the registry, it is published again.
    const bundle = "plugins/beta-k8s/versions/0.2.0.sigstore.json";
    const edited = JSON.stringify({
      ...JSON.parse(readFileSync(path.join(registry, bundle), "utf8")),
      edited: true,
    });
    writeFileSync(path.join(registry, bundle), edited);
    const trusting = await build(registry, out);
    assert.deepEqual(trusting.report?.written, [
      "api/v1/plugins/beta-k8s/versions/0.2.0/bundle.sigstore.json",
    ]);
    assert.equal(readFileSync(document, "utf8"), "{}\n", "the state is trusted");
    assert.equal(existsSync(manifest), false, "the state is trusted");
    const full = await fullBuild(registry, out);
    assert.deepEqual(full.report?.written, [
      "api/v1/plugins/alpha-cost/index.json",
      "api/v1/plugins/alpha-cost/versions/1.1.0/manifest.json",
    ]);
    assert.deepEqual([readFileSync(document), readFileSync(manifest)], originals);
  });
});

test("a rebuild's report lists every file with its hash, as a fresh build's does, in the same order", async () => {
  await withBuiltFixture(async ({ dir, registry, out }) => {
    addGammaVersion(registry, "1.1.0");
    const rebuilt = await build(registry, out);
    const fresh = await build(registry, path.join(dir, "fresh"));
    assert.ok((rebuilt.report?.unchanged ?? 0) > 0);
    assert.deepEqual([...(rebuilt.report?.files ?? [])], [...(fresh.report?.files ?? [])]);
    assert.equal(rebuilt.report?.files.size, listTree(out).length);
  });
});

test("a rebuild reuses the verdicts the last build remembered; a corrupt verdicts file is ignored", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const registry = copyFixture(dir);
    const out = path.join(dir, "out");
    const first = await build(registry, out);
    assert.equal(first.published, true);
    assert.ok(first.manifests && first.manifests.total > 0);
    assert.equal(first.manifests.judged, first.manifests.total);
    assert.equal(existsSync(path.join(out, VERDICTS_FILE)), true);
    const second = await build(registry, out);
    assert.deepEqual(second.manifests, { total: first.manifests.total, judged: 0 });
    assert.deepEqual(second.findings, first.findings);
    // The summaries alone carry a plugin none of whose inputs changed: a corrupt verdicts file
    // then costs nothing (it is not read).
    writeFileSync(path.join(out, VERDICTS_FILE), "{not json");
    const summarized = await build(registry, out);
    assert.deepEqual(summarized.manifests, { total: first.manifests.total, judged: 0 });
    assert.deepEqual(summarized.findings, first.findings);
    // The file of the previous format is removed once the store is written again.
    writeFileSync(path.join(out, ".finfocus-verdicts.json"), "{}");
    for (const corrupt of [
      "{not json",
      '{"format":"finfocus-registry/verdicts/1","plugins":{"x":[1]}}',
      '{"format":"finfocus-registry/verdicts/2","plugins":{"x":{"context":"","versions":[1]}}}',
      "finfocus-registry/verdicts/3\nx\t\t1\t[1]\naws-cost-explorer\tnot a context\t1\t{}\n",
      "[]",
    ]) {
      writeFileSync(path.join(out, VERDICTS_FILE), corrupt);
      writeFileSync(path.join(out, SUMMARIES_FILE), corrupt);
      const again = await build(registry, out);
      assert.deepEqual(again.manifests, { total: first.manifests.total, judged: first.manifests.total });
      assert.deepEqual(again.findings, first.findings);
      assert.deepEqual(again.report?.written, []);
    }
    assert.equal(existsSync(path.join(out, ".finfocus-verdicts.json")), false);
  } finally {
    cleanup();
  }
});
