import assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import { rm } from "node:fs/promises";
import { after, before, test } from "node:test";
import { isRunnerError } from "../../runner/errors.ts";
import { install } from "../../runner/ops/install.ts";
import { listInstalled } from "../../runner/ops/list.ts";
import { testContext } from "./helpers/context.ts";
import { defaultArchive, publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

const pinned = generateKeyPairSync("ec", { namedCurve: "P-256" });
const stranger = generateKeyPairSync("ec", { namedCurve: "P-256" });
const pem = (k: typeof pinned) => k.publicKey.export({ type: "spki", format: "pem" }).toString();
let server: StaticServer;
const temps: string[] = [];

function signed(
  name: string,
  version: string,
  key: typeof pinned,
  level: "verified" | "community",
  tamper = false,
) {
  const archive = defaultArchive(name, version);
  const signature = sign("sha256", tamper ? Buffer.from("other bytes") : archive, key.privateKey).toString(
    "base64",
  );
  return {
    version,
    archive,
    security_level: level,
    edit: (m: import("../../core/manifest.types.ts").Manifest) => {
      m.security = { ...m.security, signature, public_key: pem(key) };
    },
  };
}

before(async () => {
  server = await startServer();
  publish(server, [
    { name: "good", keys: [pem(pinned)], versions: [signed("good", "1.0.0", pinned, "verified")] },
    { name: "unpinned", keys: [pem(pinned)], versions: [signed("unpinned", "1.0.0", stranger, "verified")] },
    { name: "badsig", keys: [pem(pinned)], versions: [signed("badsig", "1.0.0", pinned, "verified", true)] },
    { name: "unsigned", versions: [{ version: "1.0.0", security_level: "verified" }] },
  ]);
});
after(async () => {
  await server.close();
  for (const t of temps) await rm(t, { recursive: true, force: true });
});
async function ctx() {
  const c = await testContext(server.url);
  temps.push(c.tmp);
  return c;
}

test("a keyed signature by the registry's pinned key verifies before install", async () => {
  const c = await ctx();
  const r = await install(c, { plugins: [{ name: "good" }] });
  assert.equal(r.installed[0]?.signature_kind, "key");
});

test("T1: an unpinned signer, a signature over other bytes, a missing required signature: refused with the gate's codes, nothing installed", async () => {
  for (const [name, code] of [
    ["unpinned", "SIGNER_NOT_PINNED"],
    ["badsig", "SIGNATURE_VERIFICATION_FAILED"],
    ["unsigned", "SIGNATURE_REQUIRED"],
  ] as const) {
    const c = await ctx();
    await assert.rejects(install(c, { plugins: [{ name }] }), (e) => {
      assert.ok(isRunnerError(e, code), `${name}: ${e}`);
      return true;
    });
    assert.deepEqual(await listInstalled(c.pluginDir), []);
  }
});
