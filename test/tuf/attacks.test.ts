/**
 * The attacks of The Update Framework's list that apply to a static registry, each served by a
 * malicious loopback mirror and each refused with nothing installed (SECURITY.md T2-T4, K1).
 */
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { rotateTufKeys } from "../../generator/tuf-admin-fs.ts";
import { isRunnerError } from "../../runner/errors.ts";
import { install } from "../../runner/ops/install.ts";
import { testContext } from "../runner/helpers/context.ts";
import { publish } from "../runner/helpers/registry.ts";
import { type Handler, type StaticServer, startServer } from "../runner/helpers/server.ts";
import { newKeys, replay, signServed, snapshotServed } from "./helpers.ts";

const HOUR = 3600_000;

/** A signed registry, a mirror serving it, and one machine's TUF trust folder. */
async function scenario() {
  const server = await startServer();
  const keys = newKeys();
  const trust = mkdtempSync(join(tmpdir(), "ffr-trust-"));
  const contexts: { tmp: string }[] = [];
  return {
    server,
    keys,
    /** A fresh plugin folder on the same machine (same trust state), or on another machine. */
    async client(machine: "same" | "new" = "same") {
      const c = await testContext(server.url, machine === "same" ? { tuf: { dir: trust } } : {});
      contexts.push(c);
      return c;
    },
    async close() {
      await server.close();
      for (const c of contexts) await rm(c.tmp, { recursive: true, force: true });
      await rm(keys.tmp, { recursive: true, force: true });
      await rm(trust, { recursive: true, force: true });
    },
  };
}

/** Installing `name` is refused with `code`, and nothing of it lands in the plugin folder. */
async function refused(
  c: Awaited<ReturnType<Awaited<ReturnType<typeof scenario>>["client"]>>,
  name: string,
  code: "TUF_VERIFICATION_FAILED" | "TUF_REQUIRED" = "TUF_VERIFICATION_FAILED",
): Promise<Record<string, unknown>> {
  let details: Record<string, unknown> = {};
  await assert.rejects(install(c, { plugins: [{ name }] }), (e) => {
    details = (e as { details: Record<string, unknown> }).details;
    return isRunnerError(e, code);
  });
  assert.ok(!existsSync(join(c.pluginDir, name)), `${name} must not be installed`);
  return details;
}

function v1(server: StaticServer) {
  publish(server, [{ name: "alpha", versions: [{ version: "1.0.0" }] }]);
}
function v2(server: StaticServer) {
  publish(server, [{ name: "alpha", versions: [{ version: "1.0.0" }, { version: "1.1.0" }] }]);
}

test("rollback (T2): a mirror replaying an older signed index is refused once a newer one was seen", async () => {
  const s = await scenario();
  try {
    v1(s.server);
    signServed(s.server, s.keys.site, s.keys.keysDir, new Date(Date.now() - HOUR));
    const old = snapshotServed(s.server);
    v2(s.server);
    signServed(s.server, s.keys.site, s.keys.keysDir);
    const first = await s.client();
    await install(first, { plugins: [{ name: "alpha" }] });
    replay(s.server, old);
    const details = await refused(await s.client(), "alpha");
    assert.equal(details.reason, "BadVersionError");
  } finally {
    await s.close();
  }
});

test("freeze (T3): an index whose timestamp has expired is refused", async () => {
  const s = await scenario();
  try {
    v1(s.server);
    signServed(s.server, s.keys.site, s.keys.keysDir, new Date(Date.now() - 48 * HOUR));
    assert.equal((await refused(await s.client(), "alpha")).reason, "ExpiredMetadataError");
  } finally {
    await s.close();
  }
});

test("mix-and-match (T4): documents or metadata of different builds are refused", async () => {
  const s = await scenario();
  try {
    v1(s.server);
    signServed(s.server, s.keys.site, s.keys.keysDir, new Date(Date.now() - HOUR));
    const old = snapshotServed(s.server);
    v2(s.server);
    signServed(s.server, s.keys.site, s.keys.keysDir);
    const fresh = snapshotServed(s.server);
    // The new metadata with the old build's plugin document.
    s.server.files.set("/api/v1/plugins/alpha/index.json", old.get("/api/v1/plugins/alpha/index.json")!);
    assert.equal((await refused(await s.client(), "alpha")).reason, "LengthOrHashMismatchError");
    // The new timestamp with the old build's snapshot at the new snapshot's name.
    replay(s.server, fresh);
    const timestamp = JSON.parse(Buffer.from(fresh.get("/tuf/timestamp.json")!).toString());
    const oldTimestamp = JSON.parse(Buffer.from(old.get("/tuf/timestamp.json")!).toString());
    const name = (t: typeof timestamp) => `/tuf/${t.signed.meta["snapshot.json"].version}.snapshot.json`;
    s.server.files.set(name(timestamp), old.get(name(oldTimestamp))!);
    const details = await refused(await s.client("new"), "alpha");
    assert.equal(typeof details.reason, "string");
  } finally {
    await s.close();
  }
});

/** Answers 200 and never stops sending. */
const endless: Handler = (req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const pump = () => {
    while (!res.destroyed && res.write(chunk)) {}
  };
  res.on("drain", pump);
  req.on("close", () => res.destroy());
  pump();
  return true;
};

test("endless data: a metadata file or document that never ends is cut at its limit and refused", async () => {
  const s = await scenario();
  try {
    v1(s.server);
    signServed(s.server, s.keys.site, s.keys.keysDir);
    s.server.handlers.set("/api/v1/plugins/alpha/index.json", endless);
    const details = await refused(await s.client(), "alpha");
    assert.equal(details.reason, "endless-data");
    s.server.handlers.clear();
    s.server.handlers.set("/tuf/timestamp.json", endless);
    assert.equal((await refused(await s.client("new"), "alpha")).reason, "DownloadLengthMismatchError");
  } finally {
    await s.close();
  }
});

test("fast-forward: after stolen online keys pushed versions far ahead, rotating them recovers the client and refuses the attacker", async () => {
  const s = await scenario();
  try {
    v1(s.server);
    signServed(s.server, s.keys.site, s.keys.keysDir);
    // The attacker holds the timestamp and snapshot keys and signs from the far future.
    const attackerSite = join(s.keys.tmp, "attacker-site");
    cpSync(s.keys.site, attackerSite, { recursive: true });
    signServed(s.server, attackerSite, s.keys.keysDir, new Date("2200-01-01T00:00:00Z"));
    const forward = snapshotServed(s.server);
    await install(await s.client(), { plugins: [{ name: "alpha" }] });
    // The maintainers rotate both keys and sign again at today's versions.
    rotateTufKeys(s.keys.keysDir, "timestamp");
    rotateTufKeys(s.keys.keysDir, "snapshot");
    signServed(s.server, s.keys.site, s.keys.keysDir);
    const honest = snapshotServed(s.server);
    const recovered = await s.client();
    await install(recovered, { plugins: [{ name: "alpha" }] });
    assert.ok(existsSync(join(recovered.pluginDir, "alpha")));
    // The attacker's metadata, signed with the revoked keys, is refused now.
    replay(s.server, forward);
    for (const r of ["/tuf/2.root.json", "/tuf/3.root.json"]) s.server.files.set(r, honest.get(r)!);
    assert.equal((await refused(await s.client(), "alpha")).reason, "UnsignedMetadataError");
  } finally {
    await s.close();
  }
});

test("key compromise with rotation: metadata signed by a revoked targets key is refused", async () => {
  const s = await scenario();
  try {
    v1(s.server);
    signServed(s.server, s.keys.site, s.keys.keysDir);
    await install(await s.client(), { plugins: [{ name: "alpha" }] });
    // The attacker copied the keys folder (with the targets key) before the rotation.
    const stolen = join(s.keys.tmp, "stolen");
    cpSync(s.keys.keysDir, stolen, { recursive: true });
    rotateTufKeys(s.keys.keysDir, "targets");
    signServed(s.server, s.keys.site, s.keys.keysDir);
    const rootV2 = s.server.files.get("/tuf/2.root.json")!;
    // A tampered document, signed with the stolen (now revoked) targets key, beside the new root.
    v2(s.server);
    const attackerSite = join(s.keys.tmp, "attacker-site");
    cpSync(s.keys.site, attackerSite, { recursive: true });
    signServed(s.server, attackerSite, stolen, new Date(Date.now() + HOUR));
    s.server.files.set("/tuf/2.root.json", rootV2);
    await refused(await s.client(), "alpha");
  } finally {
    await s.close();
  }
});

test("downgrade: once a root is pinned, a mirror that drops the TUF metadata is refused", async () => {
  const s = await scenario();
  try {
    v1(s.server);
    signServed(s.server, s.keys.site, s.keys.keysDir);
    await install(await s.client(), { plugins: [{ name: "alpha" }] });
    v1(s.server);
    for (const path of [...s.server.files.keys()]) if (path.startsWith("/tuf/")) s.server.files.delete(path);
    await refused(await s.client(), "alpha");
  } finally {
    await s.close();
  }
});

test("downgrade through the REST paths: a mirror that drops TUF and the discovery document for the spec's REST paths is refused, pinned or required", async () => {
  const s = await scenario();
  try {
    v1(s.server);
    signServed(s.server, s.keys.site, s.keys.keysDir);
    await install(await s.client(), { plugins: [{ name: "alpha" }] });
    // The attacker's version, served unsigned at the REST paths only.
    v2(s.server);
    const files = s.server.files;
    const rest: [string, string][] = [
      ["/plugins", "/api/v1/plugins/index.json"],
      ["/plugins/alpha", "/api/v1/plugins/alpha/index.json"],
      ["/plugins/alpha/versions", "/api/v1/plugins/alpha/versions/index.json"],
      ["/plugins/alpha/versions/1.1.0/manifest", "/api/v1/plugins/alpha/versions/1.1.0/manifest.json"],
    ];
    for (const [to, from] of rest) files.set(to, files.get(from)!);
    for (const path of [...files.keys()])
      if (path.startsWith("/tuf/") || path.startsWith("/api/") || path.startsWith("/.well-known/"))
        files.delete(path);
    // Pinned on this machine: the signed documents are gone, not optional.
    await refused(await s.client(), "alpha");
    // Another machine that requires TUF.
    const strict = await testContext(s.server.url, { tuf: { required: true } });
    try {
      await refused(strict, "alpha", "TUF_REQUIRED");
    } finally {
      await rm(strict.tmp, { recursive: true, force: true });
    }
  } finally {
    await s.close();
  }
});
