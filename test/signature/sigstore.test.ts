import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import nock from "nock";
import { hashBytes } from "../../core/signature/checksum.ts";
import { type SigstoreInput, verifySigstoreBundle } from "../../core/signature/sigstore.ts";
import { parseTrustedRoot, type TrustedRootData } from "../../core/signature/trusted-root.ts";
import { type KeyPair, OpenSSL } from "./helpers/openssl.ts";
import { createMockInstance, type MockInstance } from "./helpers/sigstore-mock.ts";

const IDENTITY = "https://github.com/acme/finfocus-aws/.github/workflows/release.yml@refs/tags/v1.2.0";
const ISSUER = "https://token.actions.githubusercontent.com";
const PIN = { identity: IDENTITY, issuer: ISSUER };
const artifact = Buffer.from("finfocus-aws 1.2.0 linux-amd64 archive\n");

let instance: MockInstance;
let other: MockInstance;
let root: TrustedRootData;
let otherRoot: TrustedRootData;
let message: Record<string, unknown>;
let dsse: Record<string, unknown>;

before(async () => {
  instance = await createMockInstance();
  other = await createMockInstance();
  root = parseTrustedRoot(instance.trustedRoot, "trusted_root.json").value!;
  otherRoot = parseTrustedRoot(other.trustedRoot, "other_root.json").value!;
  message = await instance.sign(artifact, IDENTITY, ISSUER);
  dsse = await instance.attest(hashBytes(artifact, "sha256"), IDENTITY, ISSUER);
});
after(() => nock.cleanAll());

function verify(input: Partial<SigstoreInput> = {}) {
  const r = verifySigstoreBundle({
    bundle: message,
    artifact,
    trustedRoot: root,
    pins: [PIN],
    requirePin: true,
    file: "plugins/aws/versions/1.2.0.sigstore.json",
    ...input,
  });
  return { ...r, codes: r.findings.map((f) => f.code) };
}

describe("valid keyless bundles verify with the exact identity and issuer", () => {
  test("message signature (from JSON text and from parsed JSON)", () => {
    for (const bundle of [message, JSON.stringify(message)]) {
      const r = verify({ bundle });
      assert.deepEqual(r.codes, []);
      assert.equal(r.verified, true);
      assert.deepEqual(r.signer, { kind: "sigstore", identity: IDENTITY, issuer: ISSUER });
    }
  });
  test("DSSE with an in-toto statement naming the artifact's sha256", () => {
    const r = verify({ bundle: dsse });
    assert.deepEqual(r.codes, []);
    assert.equal(r.verified, true);
  });
  test("any one of several pins may match", () => {
    const r = verify({ pins: [{ identity: "https://github.com/else/x", issuer: ISSUER }, PIN] });
    assert.equal(r.verified, true);
  });
});

test("a tampered artifact fails", () => {
  const r = verify({ artifact: Buffer.from("finfocus-aws 1.2.0 linux-amd64 archivE\n") });
  assert.equal(r.verified, false);
  assert.deepEqual(r.codes, ["SIGNATURE_VERIFICATION_FAILED"]);
});

test("a DSSE statement about another file fails (subject digest mismatch)", () => {
  const r = verify({ bundle: dsse, artifact: Buffer.from("another file") });
  assert.equal(r.verified, false);
  assert.deepEqual(r.codes, ["SIGNATURE_VERIFICATION_FAILED"]);
  assert.equal(r.findings[0]?.pointer, "/dsseEnvelope/payload");
});

test("a bundle from another trusted root (another Sigstore instance) fails", () => {
  assert.deepEqual(verify({ trustedRoot: otherRoot }).codes, ["SIGNATURE_VERIFICATION_FAILED"]);
});

test("a bundle whose certificate chain carries a root certificate is refused", () => {
  const withRoot = structuredClone(message) as {
    verificationMaterial: { x509CertificateChain: { certificates: unknown[] } };
  };
  const caRoot = (
    instance.trustedRoot as { certificateAuthorities: { certChain: { certificates: unknown[] } }[] }
  ).certificateAuthorities[0]!.certChain.certificates[0];
  withRoot.verificationMaterial.x509CertificateChain.certificates.push(caRoot);
  const r = verify({ bundle: withRoot });
  assert.deepEqual(r.codes, ["BUNDLE_INVALID"]);
  assert.equal(r.findings[0]?.pointer, "/verificationMaterial/x509CertificateChain/certificates/1");
});

describe("bundles signed with a managed key (cosign sign-blob --key … --bundle)", () => {
  let ssl: OpenSSL;
  let key: KeyPair;
  let other: KeyPair;
  let keyed: Record<string, unknown>;
  before(async () => {
    ssl = new OpenSSL();
    key = ssl.key("p256");
    other = ssl.key("p256");
    keyed = await instance.signWithKey(artifact, readFileSync(key.privateKeyFile, "utf8"));
  });
  after(() => ssl.cleanup());
  test("verify with the pinned key (hint ignored): kind key", () => {
    const r = verify({ bundle: keyed, pins: [], pinnedKeys: [other.publicKey, key.publicKey] });
    assert.deepEqual(r.codes, []);
    assert.equal(r.signer?.kind, "key");
  });
  test("without a pinned key they fail", () => {
    const r = verify({ bundle: keyed, pins: [PIN], pinnedKeys: [other.publicKey] });
    assert.deepEqual(r.codes, ["SIGNATURE_VERIFICATION_FAILED"]);
    assert.equal(r.findings[0]?.pointer, "/verificationMaterial/publicKey");
    assert.deepEqual(verify({ bundle: keyed }).codes, ["SIGNATURE_VERIFICATION_FAILED"]);
  });
  test("a candidate key that verifies but is not pinned is SIGNER_NOT_PINNED", () => {
    assert.deepEqual(verify({ bundle: keyed, candidateKeys: [key.publicKey] }).codes, ["SIGNER_NOT_PINNED"]);
  });
  test("a tampered artifact fails", () => {
    const r = verify({ bundle: keyed, pinnedKeys: [key.publicKey], artifact: Buffer.from("x") });
    assert.deepEqual(r.codes, ["SIGNATURE_VERIFICATION_FAILED"]);
  });
});

describe("identity and issuer are matched exactly", () => {
  const cases: Record<string, { identity: string; issuer: string }> = {
    "another identity": {
      identity: "https://github.com/acme/finfocus-gcp/.github/workflows/release.yml@refs/tags/v1.2.0",
      issuer: ISSUER,
    },
    "a prefix of the identity": { identity: "https://github.com/acme/", issuer: ISSUER },
    "the identity minus its ref": { identity: IDENTITY.replace(/@.*$/, ""), issuer: ISSUER },
    "a suffix of the identity": { identity: "release.yml@refs/tags/v1.2.0", issuer: ISSUER },
    "a substring of the identity": { identity: "acme/finfocus-aws", issuer: ISSUER },
    "a regular expression matching everything": { identity: ".*", issuer: ISSUER },
    "a regular expression matching the identity": {
      identity: "^https://github\\.com/acme/.*$",
      issuer: ISSUER,
    },
    "the identity with a different case": { identity: IDENTITY.toUpperCase(), issuer: ISSUER },
    "the identity with trailing space": { identity: `${IDENTITY} `, issuer: ISSUER },
    "another issuer": { identity: IDENTITY, issuer: "https://accounts.google.com" },
    "a prefix of the issuer": { identity: IDENTITY, issuer: "https://token.actions" },
    "the issuer with a trailing slash": { identity: IDENTITY, issuer: `${ISSUER}/` },
    "an empty pin": { identity: "", issuer: "" },
  };
  for (const [name, pin] of Object.entries(cases)) {
    test(`${name} is refused`, () => {
      const r = verify({ pins: [pin] });
      assert.equal(r.verified, false);
      assert.deepEqual(r.codes, ["IDENTITY_MISMATCH"]);
      assert.equal(r.findings[0]?.severity, "error");
    });
  }
  test("no pins at all is refused when a pin is required", () => {
    assert.deepEqual(verify({ pins: [] }).codes, ["IDENTITY_MISMATCH"]);
  });
  test("an unpinned identity is only a warning where no pin is required", () => {
    const r = verify({ pins: [], requirePin: false });
    assert.equal(r.verified, true);
    assert.equal(r.findings[0]?.severity, "warning");
  });
});

describe("malformed bundles are findings, never exceptions", () => {
  const dir = new URL("../fixtures/signature/bad-bundles/", import.meta.url);
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".sigstore.json"))) {
    test(name, () => {
      const r = verify({ bundle: readFileSync(new URL(name, dir), "utf8") });
      assert.equal(r.verified, false);
      assert.equal(r.findings.length, 1);
      assert.match(r.codes[0]!, /^(BUNDLE_INVALID|SIGNATURE_VERIFICATION_FAILED|JSON_[A-Z_]+)$/);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  }
  test("an unknown media type is BUNDLE_INVALID at /mediaType", () => {
    const r = verify({ bundle: { ...message, mediaType: "application/vnd.dev.sigstore.bundle.v9+json" } });
    assert.deepEqual(r.codes, ["BUNDLE_INVALID"]);
    assert.equal(r.findings[0]?.pointer, "/mediaType");
  });
  test("non-bundle values", () => {
    for (const bundle of [null, 42, [], "[]"]) assert.deepEqual(verify({ bundle }).codes, ["BUNDLE_INVALID"]);
  });
  test("unsafe JSON is refused by the safe loader", () => {
    assert.deepEqual(verify({ bundle: "x".repeat(5 * 1024 * 1024) }).codes, ["JSON_TOO_LARGE"]);
    assert.deepEqual(verify({ bundle: "" }).codes, ["JSON_SYNTAX"]);
    const dup = JSON.stringify(message).replace(
      "{",
      '{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json",',
    );
    assert.deepEqual(verify({ bundle: dup }).codes, ["JSON_DUPLICATE_KEY"]);
    assert.deepEqual(verify({ bundle: Buffer.from(JSON.stringify(message)) }).codes, []);
  });
});
