import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { buildRegistry } from "../../generator/build-fs.ts";
import { initTufKeys, rotateTufKeys } from "../../generator/tuf-admin-fs.ts";
import { targetEntries } from "../../generator/tuf-fs.ts";
import { readTufKeys } from "../../generator/tuf-keys-fs.ts";
import { copyFixture, EPOCH, tempDir } from "../generator/helpers.ts";
import { startServer } from "../runner/helpers/server.ts";
import { serveFolder, tufClient } from "./helpers.ts";

test("build --tuf-keys: every published file is a TUF target a real tuf-js client verifies", async () => {
  const { dir, cleanup } = tempDir();
  const server = await startServer();
  try {
    const registry = copyFixture(dir);
    const keysDir = join(dir, "keys");
    initTufKeys(keysDir);
    const out = join(dir, "out");
    const result = await buildRegistry({
      registryDir: registry,
      outDir: out,
      env: { SOURCE_DATE_EPOCH: EPOCH },
      tuf: readTufKeys(keysDir),
    });
    assert.equal(result.published, true);
    assert.ok(result.tuf && result.tuf.targets === result.report!.files.size);
    const discovery = JSON.parse(readFileSync(join(out, ".well-known/finfocus-registry.json"), "utf8"));
    assert.deepEqual(discovery.tuf, { metadata: "tuf/" });
    const names = readdirSync(join(out, "tuf"));
    assert.ok(names.includes("1.root.json") && names.includes("timestamp.json"));
    assert.ok(names.some((n) => /^\d+\.snapshot\.json$/.test(n)));
    assert.ok(names.some((n) => /^\d+\.targets\.json$/.test(n)));
    assert.ok(names.some((n) => /^\d+\.bins-[0-9a-f]+\.json$/.test(n)));

    serveFolder(server, out);
    const client = tufClient(server.url, readFileSync(join(keysDir, "root/1.root.json")));
    try {
      await client.updater.refresh();
      for (const [path, sha256] of result.report!.files) {
        const info = await client.updater.getTargetInfo(path);
        assert.ok(info, `${path} is a target`);
        assert.equal(info.hashes.sha256, sha256);
        assert.equal(info.length, readFileSync(join(out, path)).byteLength);
      }
      const info = await client.updater.getTargetInfo("api/v1/registry.json");
      assert.ok(info);
      const file = await client.updater.downloadTarget(info, join(client.dir, "targets", "registry.json"));
      assert.deepEqual(readFileSync(file), readFileSync(join(out, "api/v1/registry.json")));
      assert.equal(await client.updater.getTargetInfo("api/v1/plugins/not-there/index.json"), undefined);
    } finally {
      rmSync(client.dir, { recursive: true, force: true });
    }
  } finally {
    await server.close();
    cleanup();
  }
});

test("a rebuild of unchanged input keeps every metadata file byte-identical", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const registry = copyFixture(dir);
    const keysDir = join(dir, "keys");
    initTufKeys(keysDir);
    const out = join(dir, "out");
    const now = () => new Date("2026-03-01T00:00:00Z");
    const opts = {
      registryDir: registry,
      outDir: out,
      env: { SOURCE_DATE_EPOCH: EPOCH },
      now,
      tuf: readTufKeys(keysDir),
    };
    const first = await buildRegistry(opts);
    assert.ok(first.tuf!.written.length > 3);
    const second = await buildRegistry({ ...opts, now: () => new Date("2026-03-01T01:00:00Z") });
    assert.deepEqual(second.tuf!.written, []);
    assert.deepEqual(second.tuf!.versions, first.tuf!.versions);
  } finally {
    cleanup();
  }
});

test("root rotation with a 2-of-3 root: signed by the old and the new root keys; fewer keys than the threshold sign nothing", async () => {
  const { dir, cleanup } = tempDir();
  const server = await startServer();
  try {
    const registry = copyFixture(dir);
    const keysDir = join(dir, "keys");
    initTufKeys(keysDir, { keys: { root: 3 }, thresholds: { root: 2 } });
    const root1 = readFileSync(join(keysDir, "root/1.root.json"));
    assert.equal(JSON.parse(root1.toString()).signatures.length, 3);
    rotateTufKeys(keysDir, "root", { count: 1, threshold: 1 });
    const root2 = JSON.parse(readFileSync(join(keysDir, "root/2.root.json"), "utf8"));
    assert.equal(root2.signed.roles.root.keyids.length, 1);
    assert.equal(root2.signatures.length, 4, "three old root keys and the new one");

    const out = join(dir, "out");
    await buildRegistry({
      registryDir: registry,
      outDir: out,
      env: { SOURCE_DATE_EPOCH: EPOCH },
      tuf: readTufKeys(keysDir),
    });
    serveFolder(server, out);
    const client = tufClient(server.url, root1);
    try {
      await client.updater.refresh();
      assert.equal(JSON.parse(readFileSync(join(client.dir, "root.json"), "utf8")).signed.version, 2);
    } finally {
      rmSync(client.dir, { recursive: true, force: true });
    }

    // The new root key is the only one now; without it a rotation signs nothing.
    const newRootId = root2.signed.roles.root.keyids[0];
    rmSync(join(keysDir, "keys", `${newRootId}.pem`));
    assert.throws(
      () => rotateTufKeys(keysDir, "targets"),
      (e: unknown) => (e as { code?: string }).code === "TUF_KEY_MISSING",
    );
    assert.ok(!existsSync(join(keysDir, "root/3.root.json")));
    assert.equal(readdirSync(join(keysDir, "keys")).length, 6, "no key file is left behind");
  } finally {
    await server.close();
    cleanup();
  }
});

test("a rebuild that skips unchanged plugins signs the targets a fresh build signs", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const registry = copyFixture(dir);
    const keysDir = join(dir, "keys");
    initTufKeys(keysDir);
    const opts = (outDir: string) => ({
      registryDir: registry,
      outDir,
      env: { SOURCE_DATE_EPOCH: EPOCH },
      now: () => new Date("2026-03-01T00:00:00Z"),
      tuf: readTufKeys(keysDir),
    });
    const out = join(dir, "out");
    await buildRegistry(opts(out));
    const versions = join(registry, "plugins/gamma-multi/versions");
    const manifest = JSON.parse(readFileSync(join(versions, "1.0.0.json"), "utf8"));
    manifest.metadata.version = "1.1.0";
    writeFileSync(join(versions, "1.1.0.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    const rebuilt = await buildRegistry(opts(out));
    assert.ok(rebuilt.report!.unchanged > 0 && rebuilt.report!.written.length > 0);
    const fresh = await buildRegistry(opts(join(dir, "fresh")));
    assert.deepEqual(
      targetEntries(out, rebuilt.report!.files),
      targetEntries(join(dir, "fresh"), fresh.report!.files),
    );
    assert.equal(rebuilt.tuf!.targets, fresh.tuf!.targets);
  } finally {
    cleanup();
  }
});
