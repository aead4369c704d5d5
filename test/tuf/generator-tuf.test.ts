import assert from "node:assert/strict";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { buildRegistry } from "../../generator/build-fs.ts";
import { initTufKeys } from "../../generator/tuf-admin-fs.ts";
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
