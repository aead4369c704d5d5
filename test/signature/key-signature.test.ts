import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { verifyKeySignature } from "../../core/signature/key-signature.ts";
import { type KeyPair, OpenSSL } from "./helpers/openssl.ts";

const artifact = Buffer.from("the plugin archive bytes\n");
const now = new Date();
let ssl: OpenSSL;
let keys: Record<"p256" | "p384" | "rsa2048" | "other", KeyPair>;

before(() => {
  ssl = new OpenSSL();
  keys = {
    p256: ssl.key("p256"),
    p384: ssl.key("p384"),
    rsa2048: ssl.key("rsa2048"),
    other: ssl.key("p256"),
  };
});
after(() => ssl.cleanup());

function check(
  key: KeyPair,
  signature: string,
  extra: Partial<Parameters<typeof verifyKeySignature>[0]> = {},
) {
  return verifyKeySignature({
    artifact,
    signature,
    publicKey: key.publicKey,
    pinnedKeys: [key.publicKey],
    requirePin: true,
    now,
    file: "plugins/x/versions/1.0.0.json",
    ...extra,
  });
}
const codes = (r: { findings: { code: string }[] }) => r.findings.map((f) => f.code);

describe("openssl dgst -sha256 -sign signatures verify", () => {
  for (const kind of ["p256", "p384", "rsa2048"] as const) {
    test(kind, () => {
      const r = check(keys[kind], ssl.sign(keys[kind], artifact));
      assert.deepEqual(codes(r), []);
      assert.equal(r.verified, true);
      assert.equal(r.signer?.kind, "key");
      assert.match(r.signer?.kind === "key" ? r.signer.fingerprint : "", /^sha256:[0-9a-f]{64}$/);
    });
  }
});

test("a tampered artifact fails at /security/signature", () => {
  const r = check(keys.p256, ssl.sign(keys.p256, artifact), {
    artifact: Buffer.from("the plugin archive bytes!\n"),
  });
  assert.equal(r.verified, false);
  assert.deepEqual(codes(r), ["SIGNATURE_VERIFICATION_FAILED"]);
  assert.equal(r.findings[0]?.pointer, "/security/signature");
});

test("a signature by another key fails", () => {
  const r = check(keys.p256, ssl.sign(keys.other, artifact));
  assert.deepEqual(codes(r), ["SIGNATURE_VERIFICATION_FAILED"]);
});

test("a valid signature by an unpinned key is SIGNER_NOT_PINNED (error when required, warning otherwise)", () => {
  const sig = ssl.sign(keys.p256, artifact);
  const strict = check(keys.p256, sig, { pinnedKeys: [keys.other.publicKey] });
  assert.equal(strict.verified, false);
  assert.deepEqual(codes(strict), ["SIGNER_NOT_PINNED"]);
  assert.equal(strict.findings[0]?.pointer, "/security/public_key");
  const lax = check(keys.p256, sig, { pinnedKeys: [], requirePin: false });
  assert.equal(lax.verified, true);
  assert.equal(lax.findings[0]?.severity, "warning");
});

test("pins are compared by SPKI DER bytes, not PEM text", () => {
  const sig = ssl.sign(keys.p256, artifact);
  const body = keys.p256.publicKey.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  const rewrapped = `-----BEGIN PUBLIC KEY-----\r\n${body.match(/.{1,40}/g)!.join("\r\n")}\r\n-----END PUBLIC KEY-----\r\n`;
  assert.notEqual(rewrapped, keys.p256.publicKey);
  assert.equal(check(keys.p256, sig, { pinnedKeys: [rewrapped] }).verified, true);
  assert.equal(
    check(keys.p256, sig, { publicKey: rewrapped, pinnedKeys: [keys.p256.publicKey] }).verified,
    true,
  );
});

describe("refused keys", () => {
  for (const kind of ["rsa1024", "secp256k1", "ed25519"] as const) {
    test(kind, () => {
      const key = ssl.key(kind);
      const signature = kind === "ed25519" ? Buffer.alloc(64).toString("base64") : ssl.sign(key, artifact);
      const r = check(key, signature);
      assert.equal(r.verified, false);
      assert.deepEqual(codes(r), ["SIGNATURE_VERIFICATION_FAILED"]);
      assert.equal(r.findings[0]?.pointer, "/security/public_key");
    });
  }
  test("malformed PEM, a private key, a certificate", () => {
    const sig = ssl.sign(keys.p256, artifact);
    const ca = ssl.ca(keys.p256, "Not a key");
    const privateKey = readFileSync(keys.p256.privateKeyFile, "utf8");
    for (const publicKey of [
      "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
      "not pem",
      privateKey,
      ca,
    ]) {
      const r = check(keys.p256, sig, { publicKey });
      assert.deepEqual(codes(r), ["SIGNATURE_VERIFICATION_FAILED"], publicKey.slice(0, 30));
      assert.equal(r.findings[0]?.pointer, "/security/public_key");
    }
  });
});

test("a signature that is not canonical base64 is refused", () => {
  const sig = ssl.sign(keys.p256, artifact);
  for (const bad of [
    `${sig}\n`.replace("\n", " x"),
    sig.slice(0, -1),
    `${sig.slice(0, 10)}*${sig.slice(11)}`,
    "",
  ]) {
    const r = check(keys.p256, bad);
    assert.deepEqual(codes(r), ["SIGNATURE_VERIFICATION_FAILED"], JSON.stringify(bad));
    assert.equal(r.findings[0]?.pointer, "/security/signature");
  }
});

test("the security object's pointer can be moved (e.g. for embedded manifests)", () => {
  const r = check(keys.p256, ssl.sign(keys.other, artifact), { pointer: "/manifest/security" });
  assert.equal(r.findings[0]?.pointer, "/manifest/security/signature");
});

test("garbage signature bytes of any length are a finding, never an exception", () => {
  for (const kind of ["p256", "rsa2048"] as const) {
    for (const length of [1, 64, 72, 256, 300]) {
      const r = check(keys[kind], Buffer.alloc(length, 0x30).toString("base64"));
      assert.deepEqual(codes(r), ["SIGNATURE_VERIFICATION_FAILED"], `${kind} ${length}`);
    }
  }
});
