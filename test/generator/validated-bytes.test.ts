/**
 * A build publishes each manifest from the bytes its load validated (`VersionRecord.bytes`, kept
 * on the main thread and carried back from worker threads), not from the file read again: what
 * is published is exactly what was judged, and the file is not read or hashed twice.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { pluginName, writeSyntheticRegistry } from "../../bench/synthetic-registry.ts";
import { manifestPath } from "../../core/api/paths.ts";
import { loadRegistry } from "../../core/registry/load-registry.ts";
import { fsSource } from "../../core/registry/registry-fs.ts";
import type { RegistrySource } from "../../core/registry/source.types.ts";
import { buildRegistry } from "../../generator/build-fs.ts";
import { buildModel } from "../../generator/model.ts";
import { eachOutput, renderApi, validatedBytes } from "../../generator/render.ts";
import { STATE_FILE } from "../../generator/write-fs.ts";
import { EPOCH, hashTree, tempDir } from "./helpers.ts";

const { dir, cleanup } = tempDir("ffvalidated-");
after(cleanup);

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

test("a manifest edited on disk after its load validated it is published as validated, on every thread", async () => {
  const registry = path.join(dir, "registry");
  const out = path.join(dir, "out");
  // 1,200 manifests: three chunks of the load's pool, two judged on the worker thread, one here.
  const plugins = 300;
  mkdirSync(registry);
  writeSyntheticRegistry(registry, { plugins, versions: 4 });
  const manifests = (): string[] =>
    Array.from({ length: plugins }, (_, i) => path.join("plugins", pluginName(i), "versions")).flatMap(
      (versions) => readdirSync(path.join(registry, versions)).map((file) => path.join(versions, file)),
    );
  const validated = new Map(manifests().map((file) => [file, readFileSync(path.join(registry, file))]));
  let loadedManifests = 0;
  const result = await buildRegistry({
    registryDir: registry,
    outDir: out,
    env: { SOURCE_DATE_EPOCH: EPOCH },
    // Two threads from the first plugin: some manifests are judged on a worker, some here.
    load: async (source: RegistrySource) => {
      const loaded = await loadRegistry(source, { workers: 2, parallelThreshold: 1 });
      loadedManifests = loaded.stats.manifests;
      // Every manifest changes on disk once the load has judged it: still valid, other bytes.
      for (const file of manifests()) {
        const manifest = JSON.parse(readFileSync(path.join(registry, file), "utf8"));
        manifest.metadata.description = "Edited after validation: must not be published by this build";
        writeFileSync(path.join(registry, file), JSON.stringify(manifest));
      }
      return loaded;
    },
  });
  assert.equal(result.published, true, JSON.stringify(result.findings.slice(0, 3)));
  assert.equal(loadedManifests, validated.size);
  for (const [file, bytes] of validated) {
    const [, name, , version] = file.split(path.sep);
    const published = readFileSync(
      path.join(out, manifestPath(name as string, (version as string).slice(0, -5))),
    );
    assert.deepEqual(published, bytes, `${file} is published as validated`);
  }
  // The documents list the hashes of the bytes published.
  const document = JSON.parse(
    readFileSync(path.join(out, "api/v1/plugins", pluginName(7), "index.json"), "utf8"),
  );
  for (const v of document.versions as { version: string; manifest_sha256: string }[])
    assert.equal(
      v.manifest_sha256,
      sha256(validated.get(path.join("plugins", pluginName(7), "versions", `${v.version}.json`)) as Buffer),
    );
});

test("renderApi publishes held bytes only when they are those the documents list; else the file, checked", async () => {
  const registry = path.join(dir, "render");
  mkdirSync(registry);
  writeSyntheticRegistry(registry, { plugins: 2, versions: 2 });
  const loaded = await loadRegistry(fsSource(registry));
  assert.ok(loaded.snapshot);
  const records = loaded.snapshot.plugins.flatMap((p) => p.versions);
  assert.ok(
    records.length === 4 && records.every((r) => r.bytes !== undefined && sha256(r.bytes) === r.sha256),
  );
  const model = buildModel(loaded.snapshot, { generatedAt: "2026-01-01T00:00:00Z", publishedAt: new Map() });
  const reads: string[] = [];
  const read = async (file: string): Promise<Uint8Array | undefined> => {
    reads.push(file);
    return readFileSync(path.join(registry, file));
  };
  const held = validatedBytes(loaded.snapshot);
  const first = records[0]?.file as string;
  for (const [validated, expectReads] of [
    [held, []],
    [undefined, records.map((r) => r.file)],
    // Held bytes of another hash than the documents list (not those the model was made from).
    [(file: string) => (file === first ? { ...held(file), sha256: "0".repeat(64) } : held(file)), [first]],
  ] as const) {
    reads.length = 0;
    const outputs = [...eachOutput(renderApi(model, read, validated))].filter((o) =>
      o.path.endsWith("/manifest.json"),
    );
    assert.equal(outputs.length, 4);
    for (const output of outputs) {
      const bytes = typeof output.bytes === "function" ? await output.bytes() : output.bytes;
      assert.equal(sha256(bytes as Uint8Array), output.sha256, output.path);
    }
    assert.deepEqual(reads.sort(), [...expectReads].sort());
  }
});

test("a build into an empty folder writes its manifests while it builds the model: the same output as a rebuild's", async () => {
  const registry = path.join(dir, "ahead");
  mkdirSync(registry);
  writeSyntheticRegistry(registry, { plugins: 150, versions: 4 });
  const options = { registryDir: registry, env: { SOURCE_DATE_EPOCH: EPOCH } };
  // Empty: the manifests are written ahead. Holding a stray file of ours: every output is compared.
  const empty = path.join(dir, "ahead-empty");
  const stray = path.join(dir, "ahead-stray");
  mkdirSync(path.join(stray, "api/v1/plugins/gone"), { recursive: true });
  writeFileSync(path.join(stray, "api/v1/plugins/gone/index.json"), "{}\n");
  const [ahead, compared] = [
    await buildRegistry({ ...options, outDir: empty }),
    await buildRegistry({ ...options, outDir: stray }),
  ];
  assert.equal(ahead.published, true);
  assert.deepEqual(ahead.report?.written, compared.report?.written);
  assert.deepEqual(compared.report?.deleted, ["api/v1/plugins/gone/index.json"]);
  assert.equal(hashTree(empty), hashTree(stray));
  assert.deepEqual(readFileSync(path.join(empty, STATE_FILE)), readFileSync(path.join(stray, STATE_FILE)));
  // A rebuild trusts the state it left: nothing to write.
  const again = await buildRegistry({ ...options, outDir: empty });
  assert.deepEqual(again.report?.written, []);
});
