import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { artifactFileName, loadDemoRegistry } from "../../scripts/demo/demo-registry.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const reg = loadDemoRegistry(join(repo, "registry"));
const artifact = (file: string) => readFileSync(join(repo, "demo", "artifacts", file));
const der = (pem: string) => createPublicKey(pem).export({ type: "spki", format: "der" });
const pinnedIn = (keys: string[] | undefined, pem: string) =>
  (keys ?? []).some((k) => der(k).equals(der(pem)));

test("every keyed signature verifies over the archive bytes, and its key is pinned where the level requires", () => {
  let signed = 0;
  for (const p of reg.plugins) {
    for (const v of p.versions) {
      const sec = v.manifest.security ?? {};
      if (sec.signature === undefined) continue;
      const name = artifactFileName(v.manifest);
      assert.ok(name && sec.public_key, v.file);
      const ok = verify(
        "sha256",
        artifact(name),
        createPublicKey(sec.public_key),
        Buffer.from(sec.signature, "base64"),
      );
      assert.ok(ok, `${v.file}: signature does not verify`);
      if (sec.security_level === "official") {
        assert.ok(
          pinnedIn(reg.config.official_signers?.keys, sec.public_key),
          `${v.file}: not an official signer`,
        );
      } else if (sec.security_level === "verified") {
        assert.ok(pinnedIn(p.entry.signers?.keys, sec.public_key), `${v.file}: key not pinned in entry.json`);
      }
      signed++;
    }
  }
  assert.ok(signed >= 8, `only ${signed} keyed signatures`);
});

test("every verified or official version carries signature material its pins accept", () => {
  for (const p of reg.plugins) {
    for (const v of p.versions) {
      const level = v.manifest.security?.security_level;
      if (level !== "verified" && level !== "official") continue;
      const keyed = v.manifest.security?.signature !== undefined;
      const bundle = existsSync(v.bundleFile) && (p.entry.signers?.sigstore ?? []).length > 0;
      assert.ok(keyed || (level === "verified" && bundle), `${v.file}: ${level} without signature material`);
    }
  }
});

test("the demo keys' public halves are the ones pinned, and the files say DEMO-ONLY-DO-NOT-USE", () => {
  const pub = (n: string) =>
    readFileSync(join(repo, "demo", "keys", `${n}.DEMO-ONLY-DO-NOT-USE.pub.pem`), "utf8");
  assert.ok(pinnedIn(reg.config.official_signers?.keys, pub("finfocus-official-signer")));
  const entry = (n: string) => reg.plugins.find((p) => p.name === n)!.entry;
  assert.ok(pinnedIn(entry("aws-cost-explorer").signers?.keys, pub("acme-verified-publisher")));
  assert.ok(pinnedIn(entry("gcp-billing-export").signers?.keys, pub("northwind-rsa-publisher")));
  assert.equal(createPublicKey(pub("northwind-rsa-publisher")).asymmetricKeyDetails?.modulusLength, 2048);
  assert.equal(
    createPublicKey(pub("acme-verified-publisher")).asymmetricKeyDetails?.namedCurve,
    "prime256v1",
  );
});

const sigstoreVersions = reg.plugins.flatMap((p) =>
  p.versions.filter((v) => existsSync(v.bundleFile)).map((v) => ({ p, v })),
);
const trustedRoot = () =>
  toTrustMaterial(
    TrustedRoot.fromJSON(JSON.parse(readFileSync(join(reg.root, reg.config.sigstore_trusted_root!), "utf8"))),
  );

test("Sigstore bundles verify with @sigstore/verify against the registry's trusted root and exact pinned identity", () => {
  assert.ok(sigstoreVersions.length >= 1);
  const verifier = new Verifier(trustedRoot());
  for (const { p, v } of sigstoreVersions) {
    const pin = p.entry.signers?.sigstore?.[0];
    assert.ok(pin, `${p.name}: bundle without a pinned identity`);
    const bundle = bundleFromJSON(JSON.parse(readFileSync(v.bundleFile, "utf8")));
    const signer = verifier.verify(toSignedEntity(bundle, artifact(artifactFileName(v.manifest)!)), {
      subjectAlternativeName: pin.identity,
      extensions: { issuer: pin.issuer },
    });
    assert.equal(signer.identity?.subjectAlternativeName, pin.identity);
    assert.equal(pin.issuer, "https://token.actions.githubusercontent.com");
  }
});

test("a Sigstore bundle is refused for other bytes, another identity or another issuer", () => {
  const verifier = new Verifier(trustedRoot());
  const { p, v } = sigstoreVersions[0]!;
  const pin = p.entry.signers!.sigstore![0]!;
  const bundle = bundleFromJSON(JSON.parse(readFileSync(v.bundleFile, "utf8")));
  const bytes = artifact(artifactFileName(v.manifest)!);
  const tampered = Buffer.concat([bytes, Buffer.from([0])]);
  assert.throws(() =>
    verifier.verify(toSignedEntity(bundle, tampered), { subjectAlternativeName: pin.identity }),
  );
  assert.throws(() =>
    verifier.verify(toSignedEntity(bundle, bytes), {
      subjectAlternativeName: pin.identity.replace("refs/heads/main", "refs/heads/evil"),
    }),
  );
  assert.throws(() =>
    verifier.verify(toSignedEntity(bundle, bytes), {
      subjectAlternativeName: pin.identity,
      extensions: { issuer: "https://accounts.google.com" },
    }),
  );
});
