import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { hashBytes } from "../../core/signature/checksum.ts";
import { verifyArtifact } from "../../core/signature/verify-artifact.ts";
import { type KeyPair, OpenSSL } from "./helpers/openssl.ts";

const artifact = Buffer.from("bytes\n");
const base = { artifact, artifactFile: "a.bin", now: new Date() };
let ssl: OpenSSL;
let key: KeyPair;

before(() => {
  ssl = new OpenSSL();
  key = ssl.key("rsa2048");
});
after(() => ssl.cleanup());

test("asking for nothing never verifies", () => {
  assert.deepEqual(verifyArtifact(base), { verified: false, findings: [] });
});

test("every check given must pass: a good signature does not excuse a bad checksum", () => {
  const keySignature = {
    signature: ssl.sign(key, artifact),
    signatureFile: "a.sig",
    publicKey: key.publicKey,
  };
  const good = verifyArtifact({
    ...base,
    keySignature,
    checksum: { algorithm: "sha256", hex: hashBytes(artifact, "sha256") },
  });
  assert.equal(good.verified, true);
  assert.equal(good.signer?.kind, "key");
  const bad = verifyArtifact({
    ...base,
    keySignature,
    checksum: { algorithm: "sha256", hex: hashBytes(Buffer.from("x"), "sha256") },
  });
  assert.equal(bad.verified, false);
  assert.equal(bad.signer, undefined);
  assert.deepEqual(
    bad.findings.map((f) => [f.code, f.file]),
    [["CHECKSUM_MISMATCH", "a.bin"]],
  );
});
