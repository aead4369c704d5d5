import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import nock from "nock";
import type { Manifest, SecurityLevel } from "../../core/manifest.types.ts";
import type { Entry, RegistryConfig } from "../../core/registry.types.ts";
import { hashBytes } from "../../core/signature/checksum.ts";
import { parseTrustedRoot, type TrustedRootData } from "../../core/signature/trusted-root.ts";
import { type ReleaseInput, verifyRelease } from "../../core/signature/verify-release.ts";
import { type KeyPair, OpenSSL } from "./helpers/openssl.ts";
import { createMockInstance } from "./helpers/sigstore-mock.ts";

const FILE = "registry/plugins/aws-costs/versions/1.2.0.json";
const IDENTITY = "https://github.com/acme/aws-costs/.github/workflows/release.yml@refs/tags/v1.2.0";
const ISSUER = "https://token.actions.githubusercontent.com";
const artifact = Buffer.from("aws-costs 1.2.0\n");

let ssl: OpenSSL;
let author: KeyPair;
let official: KeyPair;
let stranger: KeyPair;
let root: TrustedRootData;
let bundle: Record<string, unknown>;
let keyedBundle: Record<string, unknown>;

before(async () => {
  ssl = new OpenSSL();
  author = ssl.key("p256");
  official = ssl.key("rsa2048");
  stranger = ssl.key("p384");
  const instance = await createMockInstance();
  root = parseTrustedRoot(instance.trustedRoot, "registry/sigstore-root.json").value!;
  bundle = await instance.sign(artifact, IDENTITY, ISSUER);
  keyedBundle = await instance.signWithKey(artifact, readFileSync(author.privateKeyFile, "utf8"));
});
after(() => {
  ssl.cleanup();
  nock.cleanAll();
});

function manifest(
  level: SecurityLevel,
  security: Manifest["security"] = {},
  checksum = hashBytes(artifact, "sha256"),
): Manifest {
  return {
    metadata: { name: "aws-costs", version: "1.2.0", description: "AWS costs", author: "Acme" },
    specification: {
      spec_version: "0.1.0",
      supported_providers: ["aws"],
      service_definition: { service_name: "CostSource", package_name: "finfocus.v1", methods: ["GetCost"] },
    },
    security: { ...security, security_level: level },
    installation: {
      installation_method: "binary",
      download_url: "https://example.com/a.tgz",
      checksum,
      checksum_algorithm: "sha256",
    },
  };
}

function release(m: Manifest, extra: Partial<ReleaseInput> = {}) {
  const entry: Entry = {
    name: "aws-costs",
    owners: [{ github_id: 1, login: "acme" }],
    repository: "acme/aws-costs",
    signers: { keys: [author.publicKey], sigstore: [{ identity: IDENTITY, issuer: ISSUER }] },
  };
  const config: RegistryConfig = {
    name: "test",
    base_url: "https://registry.test",
    spec_version: "0.1.0",
    maintainers: [],
    official_signers: { keys: [official.publicKey] },
  };
  const r = verifyRelease({
    manifest: m,
    manifestFile: FILE,
    entry,
    config,
    artifact,
    now: new Date(),
    ...extra,
  });
  return { ...r, codes: r.findings.map((f) => f.code) };
}
const keyed = (key: KeyPair) => ({ signature: ssl.sign(key, artifact), public_key: key.publicKey });

describe("untrusted and community", () => {
  test("need no signature", () => {
    for (const level of ["untrusted", "community"] as const) {
      const r = release(manifest(level));
      assert.deepEqual(r.codes, []);
      assert.equal(r.verified, true);
      assert.equal(r.signature, "none");
      assert.equal(r.signer, undefined);
    }
  });
  test("a signature that is present must verify", () => {
    const r = release(
      manifest("community", { signature: ssl.sign(stranger, artifact), public_key: author.publicKey }),
    );
    assert.equal(r.verified, false);
    assert.deepEqual(r.codes, ["SIGNATURE_VERIFICATION_FAILED"]);
    assert.equal(r.findings[0]?.file, FILE);
    assert.equal(r.findings[0]?.pointer, "/security/signature");
  });
  test("a valid signature by an unpinned key passes with a warning, and counts as no signature", () => {
    const r = release(manifest("community", keyed(stranger)));
    assert.equal(r.verified, true);
    assert.deepEqual(r.codes, ["SIGNER_NOT_PINNED"]);
    assert.equal(r.findings[0]?.severity, "warning");
    assert.equal(r.signature, "none");
  });
  test("the checksum still has to match", () => {
    const r = release(manifest("community", {}, hashBytes(Buffer.from("other"), "sha256")));
    assert.equal(r.verified, false);
    assert.deepEqual(r.codes, ["CHECKSUM_MISMATCH"]);
    assert.equal(r.findings[0]?.pointer, "/installation/checksum");
  });
});

describe("verified", () => {
  test("without any signature: SIGNATURE_REQUIRED at /security/security_level", () => {
    const r = release(manifest("verified"));
    assert.deepEqual(r.codes, ["SIGNATURE_REQUIRED"]);
    assert.equal(r.findings[0]?.pointer, "/security/security_level");
    assert.equal(r.verified, false);
  });
  test("a wrong checksum does not hide a missing signature", () => {
    const r = release(manifest("verified", {}, hashBytes(Buffer.from("other"), "sha256")));
    assert.deepEqual(r.codes, ["CHECKSUM_MISMATCH", "SIGNATURE_REQUIRED"]);
  });
  test("a keyed signature by a key pinned in entry.json: kind key, with the signer", () => {
    const r = release(manifest("verified", keyed(author)));
    assert.deepEqual(r.codes, []);
    assert.equal(r.signature, "key");
    assert.equal(r.signer?.kind, "key");
  });
  test("a keyed signature by an unpinned key: SIGNER_NOT_PINNED error", () => {
    const r = release(manifest("verified", keyed(stranger)));
    assert.deepEqual(r.codes, ["SIGNER_NOT_PINNED"]);
    assert.equal(r.findings[0]?.severity, "error");
    assert.equal(r.verified, false);
    assert.equal(r.signature, "none");
  });
  test("a Sigstore bundle matching the entry's pin: kind sigstore, with identity and issuer", () => {
    const r = release(manifest("verified"), { bundle, trustedRoot: root });
    assert.deepEqual(r.codes, []);
    assert.equal(r.signature, "sigstore");
    assert.deepEqual(r.signer, { kind: "sigstore", identity: IDENTITY, issuer: ISSUER });
  });
  test("a bundle findings name the bundle file beside the manifest", () => {
    const r = release(manifest("verified"), { bundle, trustedRoot: root, artifact: Buffer.from("tampered") });
    assert.deepEqual(r.codes, ["CHECKSUM_MISMATCH", "SIGNATURE_VERIFICATION_FAILED"]);
    assert.equal(r.findings[1]?.file, "registry/plugins/aws-costs/versions/1.2.0.sigstore.json");
  });
  test("a bundle without a trusted root is a finding", () => {
    assert.deepEqual(release(manifest("verified"), { bundle }).codes, ["TRUSTED_ROOT_INVALID"]);
  });
  test("both a key and a bundle: both must verify; the stronger kind is reported", () => {
    const r = release(manifest("verified", keyed(author)), { bundle, trustedRoot: root });
    assert.deepEqual(r.codes, []);
    assert.equal(r.signature, "sigstore");
    const bad = release(manifest("verified", keyed(stranger)), { bundle, trustedRoot: root });
    assert.deepEqual(bad.codes, ["SIGNER_NOT_PINNED"]);
    assert.equal(bad.verified, false);
  });
  test("a bundle made with the key pinned in entry.json: kind key", () => {
    const r = release(manifest("verified"), { bundle: keyedBundle, trustedRoot: root });
    assert.deepEqual(r.codes, []);
    assert.equal(r.signature, "key");
    assert.equal(r.signer?.kind, "key");
  });
  test("a bundle made with an unpinned key named in the manifest: SIGNER_NOT_PINNED", () => {
    const r = release(
      manifest("official", { public_key: author.publicKey, signature: ssl.sign(author, artifact) }),
      {
        bundle: keyedBundle,
        trustedRoot: root,
      },
    );
    assert.deepEqual(r.codes, ["SIGNER_NOT_PINNED", "SIGNER_NOT_PINNED"]);
    assert.equal(r.verified, false);
  });
  test("half a keyed signature points at the missing field", () => {
    const r = release(manifest("verified", { public_key: author.publicKey }));
    assert.deepEqual(r.codes, ["SIGNATURE_REQUIRED"]);
    assert.equal(r.findings[0]?.pointer, "/security/signature");
  });
});

describe("official", () => {
  test("needs a signer from config.json, not entry.json", () => {
    const r = release(manifest("official", keyed(author)));
    assert.deepEqual(r.codes, ["SIGNER_NOT_PINNED"]);
    assert.equal(r.verified, false);
  });
  test("an official signer's RSA key verifies", () => {
    const r = release(manifest("official", keyed(official)));
    assert.deepEqual(r.codes, []);
    assert.equal(r.signature, "key");
  });
  test("a bundle pinned only in entry.json is not enough", () => {
    const r = release(manifest("official"), { bundle, trustedRoot: root });
    assert.deepEqual(r.codes, ["IDENTITY_MISMATCH"]);
    assert.equal(r.verified, false);
  });
  test("without any signature: SIGNATURE_REQUIRED", () => {
    assert.deepEqual(release(manifest("official")).codes, ["SIGNATURE_REQUIRED"]);
  });
});
