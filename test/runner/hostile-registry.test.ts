import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { isRunnerError } from "../../runner/errors.ts";
import { install } from "../../runner/ops/install.ts";
import { discover } from "../../runner/ops/list.ts";
import { testContext } from "./helpers/context.ts";
import { publish } from "./helpers/registry.ts";
import { startServer } from "./helpers/server.ts";

test("J2/J3 over the network and T4 mix-and-match: hostile registry documents are refused, nothing installed", async () => {
  const s = await startServer();
  publish(s, [
    { name: "pp", versions: [{ version: "1.0.0" }, { version: "1.1.0" }] },
    { name: "qq", versions: [{ version: "1.0.0" }] },
  ]);
  const c = await testContext(s.url);
  try {
    const doc = Buffer.from(s.files.get("/api/v1/plugins/qq/index.json")!).toString();
    s.files.set(
      "/api/v1/plugins/qq/index.json",
      Buffer.from(doc.replace('"name": "qq",', '"name": "qq", "name": "qq",')),
    );
    await assert.rejects(install(c, { plugins: [{ name: "qq" }] }), (e) =>
      isRunnerError(e, "REGISTRY_DOCUMENT_INVALID"),
    );
    s.files.set(
      "/api/v1/plugins/qq/index.json",
      Buffer.from(doc.replace('"name": "qq",', '"name": "qq", "__proto__": {"x": 1},')),
    );
    const c2 = await testContext(s.url);
    await assert.rejects(install(c2, { plugins: [{ name: "qq" }] }), (e) =>
      isRunnerError(e, "REGISTRY_DOCUMENT_INVALID"),
    );
    assert.equal(({} as Record<string, unknown>).x, undefined);
    // The 1.0.0 manifest swapped for 1.1.0's: refused.
    s.files.set(
      "/api/v1/plugins/pp/versions/1.0.0/manifest.json",
      s.files.get("/api/v1/plugins/pp/versions/1.1.0/manifest.json")!,
    );
    await assert.rejects(install(c, { plugins: [{ name: "pp", constraint: "1.0.0" }] }), (e) =>
      isRunnerError(e, "REGISTRY_DOCUMENT_INVALID"),
    );
    await rm(c2.tmp, { recursive: true, force: true });
  } finally {
    await s.close();
    await rm(c.tmp, { recursive: true, force: true });
  }
});

test("each API document has its own size cap: a 10,000-plugin index (over 4 MiB) is read, an oversized discovery document is refused", async () => {
  const s = await startServer();
  const plugins = Array.from({ length: 10_000 }, (_, i) => ({
    name: `plugin-${String(i).padStart(5, "0")}`,
    versions: [{ version: "1.0.0" }],
  }));
  publish(s, plugins);
  const index = s.files.get("/api/v1/plugins/index.json")!;
  assert.ok(index.byteLength > 4 << 20, `the index is ${index.byteLength} bytes`);
  const c = await testContext(s.url);
  try {
    const found = await discover(c, "plugin-0999*");
    assert.deepEqual(found.errors, []);
    assert.deepEqual(
      found.plugins.map((p) => p.name),
      Array.from({ length: 10 }, (_, i) => `plugin-0999${i}`),
    );
    // The discovery document's cap is 256 KiB (core/api/read-api.ts): a larger one is not read whole.
    const discoveryPath = "/.well-known/finfocus-registry.json";
    const discovery = JSON.parse(Buffer.from(s.files.get(discoveryPath)!).toString());
    s.files.set(
      discoveryPath,
      Buffer.from(JSON.stringify({ ...discovery, padding: "x".repeat(300 * 1024) })),
    );
    const c2 = await testContext(s.url);
    const refused = await discover(c2, "");
    assert.deepEqual(refused.plugins, []);
    assert.equal(refused.errors.length, 1, JSON.stringify(refused.errors));
    assert.match(refused.errors[0]!.message, /262144|256 KiB|bytes/);
    await rm(c2.tmp, { recursive: true, force: true });
  } finally {
    await s.close();
    await rm(c.tmp, { recursive: true, force: true });
  }
});

test("URL fields a hostile registry writes that name no http(s) URL are refused by name, never a crash of the URL parser", async () => {
  const s = await startServer();
  publish(s, [{ name: "pp", versions: [{ version: "1.0.0" }, { version: "1.1.0" }] }]);
  const discoveryPath = "/.well-known/finfocus-registry.json";
  const discovery = JSON.parse(Buffer.from(s.files.get(discoveryPath)!).toString());
  const contexts: string[] = [];
  const fresh = async () => {
    const c = await testContext(s.url);
    contexts.push(c.tmp);
    return c;
  };
  const refused = (field: RegExp) => (e: unknown) =>
    isRunnerError(e, "REGISTRY_DOCUMENT_INVALID") && field.test((e as Error).message);
  try {
    // The discovery document's api_root: a scheme without a hierarchy (no base for plugins/…),
    // one that does not parse, a script URL.
    for (const apiRoot of ["a:!", "http://[", "javascript:alert(1)//", "file:///etc/"]) {
      s.files.set(discoveryPath, Buffer.from(JSON.stringify({ ...discovery, api_root: apiRoot })));
      await assert.rejects(
        install(await fresh(), { plugins: [{ name: "pp" }] }),
        refused(/api_root/),
        apiRoot,
      );
      const listed = await discover(await fresh(), "");
      assert.deepEqual(listed.plugins, []);
      assert.match(listed.errors[0]?.message ?? "", /api_root/, apiRoot);
    }
    s.files.set(discoveryPath, Buffer.from(JSON.stringify(discovery)));
    // The trusted root it names for Sigstore bundles (read for every install from it).
    s.files.set(discoveryPath, Buffer.from(JSON.stringify({ ...discovery, sigstore_trusted_root: "a:!" })));
    const c = await fresh();
    await assert.rejects(install(c, { plugins: [{ name: "pp" }] }), refused(/sigstore_trusted_root/));
    assert.equal(existsSync(join(c.pluginDir, "pp")), false, "nothing installed");
  } finally {
    await s.close();
    for (const tmp of contexts) await rm(tmp, { recursive: true, force: true });
  }
});
