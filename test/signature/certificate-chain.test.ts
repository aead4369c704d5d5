import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { verifyKeySignature } from "../../core/signature/key-signature.ts";
import { type KeyPair, OpenSSL } from "./helpers/openssl.ts";

const artifact = Buffer.from("artifact with a certificate chain\n");
let ssl: OpenSSL;
let root: { key: KeyPair; cert: string };
let inter: { key: KeyPair; cert: string };
let leafKey: KeyPair;
let leafCert: string;
let signature: string;

before(() => {
  ssl = new OpenSSL();
  const rootKey = ssl.key("p256");
  root = { key: rootKey, cert: ssl.ca(rootKey, "Registry Test Root") };
  const interKey = ssl.key("p384");
  inter = {
    key: interKey,
    cert: ssl.issue(interKey, "Registry Test Intermediate", root, { ca: true, days: 20 }),
  };
  leafKey = ssl.key("p256");
  leafCert = ssl.issue(leafKey, "Plugin Author", inter);
  signature = ssl.sign(leafKey, artifact);
});
after(() => ssl.cleanup());

function check(chain: string[], opts: { trustedCas?: string[]; now?: Date; publicKey?: string } = {}) {
  const r = verifyKeySignature({
    artifact,
    signature,
    publicKey: opts.publicKey ?? leafKey.publicKey,
    certificateChain: chain,
    pinnedKeys: [leafKey.publicKey],
    trustedCas: opts.trustedCas ?? [root.cert],
    requirePin: true,
    now: opts.now ?? new Date(),
    file: "m.json",
  });
  return {
    verified: r.verified,
    codes: r.findings.map((f) => f.code),
    pointers: r.findings.map((f) => f.pointer),
  };
}

test("leaf → intermediate chaining to a trusted root verifies", () => {
  assert.deepEqual(check([leafCert, inter.cert]), { verified: true, codes: [], pointers: [] });
});

test("a chain that includes the trusted root itself verifies", () => {
  assert.equal(check([leafCert, inter.cert, root.cert]).verified, true);
});

test("a chain to a CA the registry does not trust fails", () => {
  const otherKey = ssl.key("p256");
  const other = ssl.ca(otherKey, "Someone Else");
  const r = check([leafCert, inter.cert], { trustedCas: [other] });
  assert.deepEqual(r.codes, ["CERTIFICATE_CHAIN_INVALID"]);
  assert.equal(r.pointers[0], "/security/certificate_chain/1");
  assert.deepEqual(check([leafCert, inter.cert], { trustedCas: [] }).codes, ["CERTIFICATE_CHAIN_INVALID"]);
});

test("a missing link (leaf straight to root) fails the issuer check", () => {
  const r = check([leafCert, root.cert]);
  assert.deepEqual(r.codes, ["CERTIFICATE_CHAIN_INVALID"]);
  assert.equal(r.pointers[0], "/security/certificate_chain/0");
});

test("an issuer that is not a CA (basic constraints) fails", () => {
  const midKey = ssl.key("p256");
  const notCa = ssl.issue(midKey, "Not A CA", root);
  const leaf2Key = ssl.key("p256");
  const leaf2 = ssl.issue(leaf2Key, "Leaf Under Non-CA", { key: midKey, cert: notCa });
  const r = verifyKeySignature({
    artifact,
    signature: ssl.sign(leaf2Key, artifact),
    publicKey: leaf2Key.publicKey,
    certificateChain: [leaf2, notCa],
    pinnedKeys: [leaf2Key.publicKey],
    trustedCas: [root.cert],
    requirePin: true,
    now: new Date(),
    file: "m.json",
  });
  assert.deepEqual(
    r.findings.map((f) => f.code),
    ["CERTIFICATE_CHAIN_INVALID"],
  );
  assert.equal(r.findings[0]?.pointer, "/security/certificate_chain/1");
});

test("validity is checked at the injected clock", () => {
  const future = new Date(Date.now() + 15 * 24 * 3600 * 1000); // leaf lives 10 days
  const r = check([leafCert, inter.cert], { now: future });
  assert.deepEqual(r.codes, ["CERTIFICATE_CHAIN_INVALID"]);
  assert.equal(r.pointers[0], "/security/certificate_chain/0");
  const past = new Date(Date.now() - 24 * 3600 * 1000);
  assert.deepEqual(check([leafCert, inter.cert], { now: past }).codes, ["CERTIFICATE_CHAIN_INVALID"]);
});

test("the leaf must hold the signing key", () => {
  const otherKey = ssl.key("p256");
  const otherLeaf = ssl.issue(otherKey, "Other Author", inter);
  const r = check([otherLeaf, inter.cert]);
  assert.deepEqual(r.codes, ["CERTIFICATE_CHAIN_INVALID"]);
  assert.equal(r.pointers[0], "/security/certificate_chain/0");
});

test("garbage and empty chains are findings, not crashes", () => {
  assert.deepEqual(check(["-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"]).codes, [
    "CERTIFICATE_CHAIN_INVALID",
  ]);
  assert.deepEqual(check([]).codes, ["CERTIFICATE_CHAIN_INVALID"]);
  assert.deepEqual(check(Array(9).fill(leafCert)).codes, ["CERTIFICATE_CHAIN_INVALID"]);
});
