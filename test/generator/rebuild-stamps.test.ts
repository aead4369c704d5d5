/**
 * A build's file stamps (core/registry/file-stamps.ts) are rewritten only once over 1% of them is
 * stale, like its verdicts and parts: a rebuild after a small change leaves the file as it was,
 * and what the stale lines remember is never trusted for a file that changed, so every rebuild
 * still writes a fresh build's bytes.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { pluginName } from "../../bench/synthetic-registry.ts";
import { loadRegistry } from "../../core/registry/load-registry.ts";
import { type BuildResult, buildRegistry } from "../../generator/build-fs.ts";
import { buildCache, cacheOptions, STAMPS_FILE, validationCode } from "../../generator/verdict-store-fs.ts";
import { sameSizeEdit, stampableRegistry } from "../core/helpers/edits.ts";
import { build, EPOCH, hashTree, listTree, tempDir } from "./helpers.ts";

const { dir, cleanup } = tempDir("ffstamps-");
after(cleanup);
const registry = path.join(dir, "registry");
const out = path.join(dir, "out");
const stampsFile = path.join(out, STAMPS_FILE);
const versions = (i: number): string => path.join(registry, "plugins", pluginName(i), "versions");

/**
 * A build as the CLI's, with the reader thread and stamps this small registry would not get
 * (they start at 4,000 manifests): the same load options, a threshold of one plugin.
 */
function rebuild(): Promise<BuildResult> {
  return buildRegistry({
    registryDir: registry,
    outDir: out,
    env: { SOURCE_DATE_EPOCH: EPOCH },
    load: (source) =>
      loadRegistry(source, {
        workers: 2,
        parallelThreshold: 1,
        keepManifests: "judged",
        ...cacheOptions(buildCache(out), validationCode()),
      }),
  });
}

async function assertAsFresh(): Promise<void> {
  const fresh = path.join(dir, "fresh");
  await build(registry, fresh);
  assert.deepEqual(listTree(out), listTree(fresh));
  assert.equal(hashTree(out), hashTree(fresh));
}

before(async () => {
  await stampableRegistry(registry, 300);
  // The first build judges every manifest and takes every stamp.
  const first = await rebuild();
  assert.equal(first.published, true);
});

test("a small change leaves the stamps file as it was; an in-place edit is still seen; a large change rewrites it", async () => {
  const taken = readFileSync(stampsFile);
  assert.ok(taken.byteLength > 0);

  // One version added: its folder's stamp changed (a line stale of about 1,800).
  const manifest = JSON.parse(readFileSync(path.join(versions(5), "1.0.1.json"), "utf8")) as {
    metadata: { version: string };
  };
  manifest.metadata.version = "1.0.2";
  writeFileSync(path.join(versions(5), "1.0.2.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const added = await rebuild();
  assert.equal(added.manifests?.judged, 1);
  assert.deepEqual(readFileSync(stampsFile), taken, "not rewritten");
  await assertAsFresh();

  // A stamped manifest edited in place, same size, mtime set back: its remembered stamp is the
  // old one, so it is read and judged again (the version the stale file does not know is read,
  // and its plugin's summary, rewritten by the last build, holds its verdict).
  sameSizeEdit(path.join(versions(7), "1.0.0.json"));
  const edited = await rebuild();
  assert.equal(edited.manifests?.judged, 1);
  assert.deepEqual(readFileSync(stampsFile), taken, "still under 1% stale");
  await assertAsFresh();

  // Over 1% of the stamps stale (20 manifests edited): the file is written again.
  for (let i = 20; i < 40; i++) sameSizeEdit(path.join(versions(i), "1.0.0.json"));
  const many = await rebuild();
  assert.equal(many.manifests?.judged, 20);
  assert.notDeepEqual(readFileSync(stampsFile), taken);
  await assertAsFresh();
});
