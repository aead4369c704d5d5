import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { OpenSSL } from "../signature/helpers/openssl.ts";
import { createMockInstance, type MockInstance } from "../signature/helpers/sigstore-mock.ts";
import { ALICE, configJson, entryJson, manifestJson, prEvent } from "./fixture.ts";
import { artifactServer, type Files, makeRepo, runAction, sha256 } from "./harness.ts";

const ARTIFACT = new TextEncoder().encode("cost-aws 1.1.0 release tarball");
const OTHER = new TextEncoder().encode("something the author did not publish");
const ISSUER = "https://token.actions.githubusercontent.com";
const IDENTITY = "https://github.com/acme/cost-aws/.github/workflows/release.yml@refs/tags/v1.1.0";

const openssl = new OpenSSL();
let server: Awaited<ReturnType<typeof artifactServer>>;
let sigstore: MockInstance;
let rootDir: string;
let trustedRootFile: string;

before(async () => {
  server = await artifactServer({ "/a.tgz": ARTIFACT, "/other.tgz": OTHER });
  sigstore = await createMockInstance();
  rootDir = mkdtempSync(join(tmpdir(), "gate-root-"));
  trustedRootFile = join(rootDir, "trusted_root.json");
  writeFileSync(trustedRootFile, JSON.stringify(sigstore.trustedRoot));
});
after(async () => {
  await server.close();
  rmSync(rootDir, { recursive: true, force: true });
  rmSync(openssl.dir, { recursive: true, force: true });
});

/** A base registry whose cost-aws pins `signers`, with 1.0.0 published at level verified (key-signed). */
function base(signers: Record<string, unknown>): Files {
  return {
    "registry/config.json": configJson(),
    "registry/plugins/cost-aws/entry.json": entryJson("cost-aws", [ALICE], { signers }),
    "registry/plugins/cost-aws/versions/1.0.0.json": manifestJson("cost-aws", "1.0.0", {
      url: `${server.url}/a.tgz`,
      checksum: sha256(ARTIFACT),
      security: { security_level: "verified", signature: "c2ln", public_key: "pinned elsewhere" },
    }),
  };
}

function version(security: Record<string, unknown>, path = "/a.tgz", bytes = ARTIFACT): Files {
  return {
    "registry/plugins/cost-aws/versions/1.1.0.json": manifestJson("cost-aws", "1.1.0", {
      url: `${server.url}${path}`,
      checksum: sha256(bytes),
      security: { security_level: "verified", ...security },
    }),
  };
}

async function gate(baseFiles: Files, pr: Files) {
  const repo = await makeRepo(baseFiles, pr);
  try {
    const r = await runAction({
      workspace: repo.dir,
      event: prEvent(repo),
      inputs: { "sigstore-trusted-root": trustedRootFile },
    });
    return { ...r, codes: r.findings.filter((f) => f.severity !== "info").map((f) => f.code) };
  } finally {
    repo.cleanup();
  }
}

describe("keyed signatures, keys made with openssl", { concurrency: 3 }, () => {
  for (const kind of ["p256", "rsa2048"] as const) {
    test(`${kind}: a signature by the pinned key verifies`, async () => {
      const key = openssl.key(kind);
      const signature = openssl.sign(key, ARTIFACT);
      const r = await gate(
        base({ keys: [key.publicKey] }),
        version({ signature, public_key: key.publicKey }),
      );
      assert.deepEqual(r.codes, [], r.stdout);
      assert.equal(r.outputs.valid, "true");
      assert.match(r.summary, /🔑 key/);
      assert.match(r.summary, /sha256:[0-9a-f]+/);
    });
  }

  test("a valid signature by a key that is not pinned in the base entry fails", async () => {
    const pinned = openssl.key("p256");
    const other = openssl.key("p256");
    const r = await gate(
      base({ keys: [pinned.publicKey] }),
      version({ signature: openssl.sign(other, ARTIFACT), public_key: other.publicKey }),
    );
    assert.ok(r.codes.includes("SIGNER_NOT_PINNED"), r.codes.join());
    assert.equal(r.outputs.valid, "false");
  });

  test("pinning your own key in the PR does not help: pins come from the base (R2)", async () => {
    const pinned = openssl.key("p256");
    const attacker = openssl.key("p256");
    const r = await gate(base({ keys: [pinned.publicKey] }), {
      ...version({ signature: openssl.sign(attacker, ARTIFACT), public_key: attacker.publicKey }),
      "registry/plugins/cost-aws/entry.json": entryJson("cost-aws", [ALICE], {
        signers: { keys: [attacker.publicKey] },
      }),
    });
    assert.ok(r.codes.includes("MAINTAINER_REQUIRED"), r.codes.join());
    assert.ok(r.codes.includes("SIGNER_NOT_PINNED"), r.codes.join());
  });

  test("a signature over other bytes fails verification", async () => {
    const key = openssl.key("p256");
    const r = await gate(
      base({ keys: [key.publicKey] }),
      version({ signature: openssl.sign(key, OTHER), public_key: key.publicKey }),
    );
    assert.deepEqual(r.codes, ["SIGNATURE_VERIFICATION_FAILED"]);
  });
});

describe("Sigstore bundles from @sigstore/mock", { concurrency: 3 }, () => {
  const pins = { sigstore: [{ issuer: ISSUER, identity: IDENTITY }] };
  const withBundle = async (bundle: unknown, path = "/a.tgz", bytes = ARTIFACT): Promise<Files> => ({
    ...version({}, path, bytes),
    "registry/plugins/cost-aws/versions/1.1.0.sigstore.json": JSON.stringify(bundle),
  });

  test("a bundle by the pinned identity and issuer verifies", async () => {
    const r = await gate(base(pins), await withBundle(await sigstore.sign(ARTIFACT, IDENTITY, ISSUER)));
    assert.deepEqual(r.codes, [], r.stdout);
    assert.match(r.summary, /✍️ sigstore/);
    assert.ok(r.summary.includes("https://github.com/acme/cost-aws/"), r.summary);
  });

  test("a tampered artifact fails", async () => {
    const bundle = await sigstore.sign(ARTIFACT, IDENTITY, ISSUER);
    const r = await gate(base(pins), await withBundle(bundle, "/other.tgz", OTHER));
    assert.deepEqual(r.codes, ["SIGNATURE_VERIFICATION_FAILED"]);
  });

  const refused: [string, string, string][] = [
    [
      "a wrong identity",
      "https://github.com/mallory/cost-aws/.github/workflows/release.yml@refs/tags/v1.1.0",
      ISSUER,
    ],
    ["an identity that only starts with the pin", `${IDENTITY}-evil`, ISSUER],
    ["a wrong issuer", IDENTITY, "https://accounts.google.com"],
  ];
  for (const [name, identity, issuer] of refused) {
    test(`${name} is IDENTITY_MISMATCH`, async () => {
      const r = await gate(base(pins), await withBundle(await sigstore.sign(ARTIFACT, identity, issuer)));
      assert.deepEqual(r.codes, ["IDENTITY_MISMATCH"]);
      assert.equal(r.findings[0]!.file, "registry/plugins/cost-aws/versions/1.1.0.sigstore.json");
    });
  }

  test("dropping back to no signature after a signed version is TRUST_DOWNGRADE (R6)", async () => {
    const r = await gate(base(pins), {
      "registry/plugins/cost-aws/versions/1.1.0.json": manifestJson("cost-aws", "1.1.0", {
        url: `${server.url}/a.tgz`,
        checksum: sha256(ARTIFACT),
        security: { security_level: "community" },
      }),
    });
    assert.ok(r.codes.includes("TRUST_DOWNGRADE"), r.codes.join());
  });
});
