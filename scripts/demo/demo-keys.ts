/**
 * Demo signing keys (demo/keys/*.DEMO-ONLY-DO-NOT-USE.key.pem) and keyed artifact signatures in
 * the registry's format: the signature is what `openssl dgst -sha256 -sign key.pem artifact`
 * writes (ECDSA as DER, RSA as PKCS#1 v1.5), base64-encoded; the public key is SPKI PEM.
 */
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One demo signing key, found on disk. */
export interface DemoKey {
  file: string;
  privateKey: KeyObject;
  /** SPKI PEM of the public half, as pinned in entry.json / config.json. */
  publicPem: string;
}

/** Every `*.key.pem` in `dir` that is not a Sigstore mock service key. */
export function loadDemoKeys(dir: string): DemoKey[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".key.pem") && !f.startsWith("sigstore-mock-"))
    .sort()
    .map((file) => {
      const privateKey = createPrivateKey(readFileSync(join(dir, file)));
      const publicPem = createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
      return { file, privateKey, publicPem };
    });
}

/** True when two PEM public keys are the same key (compared as DER, so line wrapping does not matter). */
export function samePublicKey(a: string, b: string): boolean {
  try {
    const der = (pem: string) => createPublicKey(pem).export({ type: "spki", format: "der" });
    return der(a).equals(der(b));
  } catch {
    return false;
  }
}

/** Base64 DER signature over `data` with SHA-256: `openssl dgst -sha256 -sign`. */
export function signArtifact(data: Buffer, privateKey: KeyObject): string {
  return sign("sha256", data, privateKey).toString("base64");
}

/** Verifies a base64 signature over `data` with a PEM public key; false on any malformed input. */
export function verifyDemoSignature(data: Buffer, signatureBase64: string, publicPem: string): boolean {
  try {
    return verify("sha256", data, createPublicKey(publicPem), Buffer.from(signatureBase64, "base64"));
  } catch {
    return false;
  }
}
