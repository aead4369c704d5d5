import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { isRunnerError } from "../../runner/errors.ts";
import { install } from "../../runner/ops/install.ts";
import { testContext } from "../runner/helpers/context.ts";
import { publish } from "../runner/helpers/registry.ts";
import { startServer } from "../runner/helpers/server.ts";
import { newKeys, signServed } from "./helpers.ts";

test("a registry that publishes TUF metadata is read through tuf-js: installs, pins its root, reads sparsely", async () => {
  const s = await startServer();
  const k = newKeys();
  publish(s, [
    { name: "alpha", versions: [{ version: "1.0.0" }, { version: "1.1.0" }] },
    { name: "beta", versions: [{ version: "1.0.0" }] },
  ]);
  signServed(s, k.site, k.keysDir);
  const c = await testContext(s.url);
  try {
    await install(c, { plugins: [{ name: "alpha", constraint: "1.0.0" }] });
    assert.ok(existsSync(join(c.pluginDir, "alpha")));
    const tuf = c.requests.filter((r) => r.startsWith("/tuf/"));
    assert.ok(tuf.includes("/tuf/1.root.json") && tuf.includes("/tuf/timestamp.json"));
    // Sparse: q's documents were not read, and every metadata file at most once.
    assert.ok(!c.requests.some((r) => r.includes("/plugins/beta/")));
    assert.equal(new Set(tuf).size, tuf.length);
  } finally {
    await s.close();
    await rm(c.tmp, { recursive: true, force: true });
    await rm(k.tmp, { recursive: true, force: true });
  }
});

test("a document whose bytes differ from the signed index is refused, nothing installed", async () => {
  const s = await startServer();
  const k = newKeys();
  publish(s, [{ name: "alpha", versions: [{ version: "1.0.0" }] }]);
  signServed(s, k.site, k.keysDir);
  const doc = Buffer.from(s.files.get("/api/v1/plugins/alpha/index.json")!).toString();
  s.files.set(
    "/api/v1/plugins/alpha/index.json",
    Buffer.from(doc.replace('"deprecated": false', '"deprecated": true')),
  );
  const c = await testContext(s.url);
  try {
    await assert.rejects(install(c, { plugins: [{ name: "alpha" }] }), (e) =>
      isRunnerError(e, "TUF_VERIFICATION_FAILED"),
    );
    assert.ok(!existsSync(join(c.pluginDir, "alpha")));
  } finally {
    await s.close();
    await rm(c.tmp, { recursive: true, force: true });
    await rm(k.tmp, { recursive: true, force: true });
  }
});

test("registries without TUF keep working; --require-tuf refuses them with TUF_REQUIRED", async () => {
  const s = await startServer();
  publish(s, [{ name: "alpha", versions: [{ version: "1.0.0" }] }]);
  const plain = await testContext(s.url);
  const strict = await testContext(s.url, { tuf: { required: true } });
  try {
    await install(plain, { plugins: [{ name: "alpha" }] });
    assert.ok(existsSync(join(plain.pluginDir, "alpha")));
    await assert.rejects(install(strict, { plugins: [{ name: "alpha" }] }), (e) =>
      isRunnerError(e, "TUF_REQUIRED"),
    );
    assert.ok(!existsSync(join(strict.pluginDir, "alpha")));
  } finally {
    await s.close();
    await rm(plain.tmp, { recursive: true, force: true });
    await rm(strict.tmp, { recursive: true, force: true });
  }
});

test("--offline reads through the TUF metadata already on this machine, never the network", async () => {
  const s = await startServer();
  const k = newKeys();
  publish(s, [
    { name: "alpha", versions: [{ version: "1.0.0" }] },
    { name: "beta", versions: [{ version: "1.0.0" }] },
  ]);
  signServed(s, k.site, k.keysDir);
  const c = await testContext(s.url);
  try {
    await c.sources[0]!.versions("alpha");
    const shared = { cacheDir: join(c.tmp, "cache"), tuf: { dir: join(c.tmp, "tuf") }, offline: true };
    const offline = await testContext(s.url, shared);
    const hits = s.total("/");
    assert.equal((await offline.sources[0]!.versions("alpha"))?.name, "alpha");
    assert.equal(s.total("/"), hits, "offline: no request");
    await assert.rejects(offline.sources[0]!.versions("beta"), (e) => isRunnerError(e, "OFFLINE_CACHE_MISS"));
    assert.equal(s.total("/"), hits, "offline: no request");
    await rm(offline.tmp, { recursive: true, force: true });
  } finally {
    await s.close();
    await rm(c.tmp, { recursive: true, force: true });
    await rm(k.tmp, { recursive: true, force: true });
  }
});
