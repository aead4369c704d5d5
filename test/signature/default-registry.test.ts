/**
 * The trust policy against the registry this project ships: every release with an archive in
 * demo/artifacts/ passes `verifyRelease` with the kind its level needs, and a changed byte fails.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { before, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { RegistrySnapshot } from "../../core/registry/load-registry.ts";
import { loadRegistry } from "../../core/registry/load-registry.ts";
import { fsSource } from "../../core/registry/registry-fs.ts";
import { type TrustedRootData, trustedRootFromBytes } from "../../core/signature/trusted-root.ts";
import { verifyRelease } from "../../core/signature/verify-release.ts";

const registryDir = fileURLToPath(new URL("../../registry/", import.meta.url));
const artifactsDir = fileURLToPath(new URL("../../demo/artifacts/", import.meta.url));

let snapshot: RegistrySnapshot;
let trustedRoot: TrustedRootData;

before(async () => {
  const loaded = await loadRegistry(fsSource(registryDir, "registry"));
  assert.ok(loaded.snapshot, "the default registry loads");
  snapshot = loaded.snapshot;
  const rootFile = snapshot.config.sigstore_trusted_root!;
  trustedRoot = trustedRootFromBytes(readFileSync(`${registryDir}${rootFile}`), rootFile).value!;
  assert.ok(trustedRoot, "the demo trusted root is valid");
});

function releases() {
  const out = [];
  for (const plugin of snapshot.plugins) {
    for (const version of plugin.versions) {
      const url = version.manifest.installation.download_url ?? "";
      const artifactFile = `${artifactsDir}${url.split("/").pop()}`;
      if (!url.startsWith("https://") || !existsSync(artifactFile)) continue;
      out.push({ plugin, version, artifact: readFileSync(artifactFile) });
    }
  }
  return out;
}

function check(r: ReturnType<typeof releases>[number], artifact = r.artifact) {
  const { plugin, version } = r;
  return verifyRelease({
    manifest: version.manifest,
    manifestFile: `registry/${version.file}`,
    entry: plugin.entry,
    config: snapshot.config,
    artifact,
    ...(version.bundleFile
      ? { bundle: readFileSync(`${registryDir}${version.bundleFile}`), trustedRoot }
      : {}),
    now: new Date(),
  });
}

test("every release with an archive verifies, with the signature kind its level needs", () => {
  const all = releases();
  assert.ok(all.length >= 20, `found ${all.length} releases with archives`);
  const kinds = new Set<string>();
  for (const r of all) {
    const result = check(r);
    const where = `${r.plugin.name}@${r.version.version}`;
    assert.deepEqual(result.findings, [], where);
    assert.equal(result.verified, true, where);
    if (result.level === "verified" || result.level === "official")
      assert.notEqual(result.signature, "none", where);
    kinds.add(result.signature);
  }
  assert.deepEqual([...kinds].sort(), ["key", "none", "sigstore"]);
});

test("one changed byte in any signed archive fails", () => {
  for (const r of releases().filter((x) => x.version.manifest.security?.security_level === "verified")) {
    const tampered = Buffer.from(r.artifact);
    tampered[tampered.length >> 1]! ^= 1;
    const result = check(r, tampered);
    assert.equal(result.verified, false, `${r.plugin.name}@${r.version.version}`);
    assert.ok(result.findings.some((f) => f.code === "CHECKSUM_MISMATCH"));
    assert.ok(result.findings.some((f) => f.code === "SIGNATURE_VERIFICATION_FAILED"));
  }
});
