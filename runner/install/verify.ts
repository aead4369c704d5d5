import { createHash, createPublicKey, timingSafeEqual, verify as verifySignature } from "node:crypto";
import type { Manifest } from "../../core/manifest.types.ts";
import type { Signers } from "../../core/registry.types.ts";
import { RunnerError } from "../errors.ts";

export interface VerifyInput {
  name: string;
  version: string;
  /** The exact bytes that will be extracted. */
  bytes: Uint8Array;
  manifest: Manifest;
  /** Signers pinned by the registry for this plugin. */
  signers: Signers;
  /** The version's Sigstore bundle, when the registry has one. */
  bundle: unknown;
}

export interface VerifyOutcome {
  signature: "none" | "key" | "sigstore";
  digest: string;
}

/**
 * The verification port: checksum, key signature, Sigstore bundle. Throws CHECKSUM_MISMATCH or
 * SIGNATURE_VERIFICATION_FAILED. The default below is a thin adapter; the trust policy itself
 * belongs to core/signature.
 */
export type ArtifactVerifier = (input: VerifyInput) => Promise<VerifyOutcome>;

function digestEqual(a: string, b: string): boolean {
  const x = a.trim().toLowerCase();
  const y = b.trim().toLowerCase();
  return (
    x.length === y.length &&
    /^[0-9a-f]+$/.test(x) &&
    timingSafeEqual(Buffer.from(x, "hex"), Buffer.from(y, "hex"))
  );
}

function spki(pem: string): Buffer | undefined {
  try {
    return createPublicKey(pem).export({ type: "spki", format: "der" });
  } catch {
    return undefined;
  }
}

/** The default verifier: checksum always, keyed signature against a pinned key, Sigstore via core. */
export const defaultVerifier: ArtifactVerifier = async (input) => {
  const { manifest, bytes, name, version } = input;
  const algorithm = manifest.installation.checksum_algorithm ?? "sha256";
  const expected = manifest.installation.checksum;
  if (!expected) {
    throw new RunnerError("CHECKSUM_MISMATCH", `${name}@${version} has no checksum: refused`, {
      name,
      version,
    });
  }
  if (algorithm === "md5") {
    throw new RunnerError("CHECKSUM_MISMATCH", `${name}@${version} has only an md5 checksum: refused`, {
      name,
    });
  }
  const digest = createHash(algorithm).update(bytes).digest("hex");
  if (!digestEqual(expected, digest)) {
    throw new RunnerError(
      "CHECKSUM_MISMATCH",
      `${name}@${version}: the artifact's ${algorithm} is ${digest}, the manifest says ${expected}`,
      { name, version, expected, actual: digest, algorithm },
    );
  }
  if (input.bundle !== undefined) {
    throw new RunnerError(
      "SIGNATURE_VERIFICATION_FAILED",
      `${name}@${version} has a Sigstore bundle and no Sigstore verifier is configured`,
      { name, version },
    );
  }
  const signature = manifest.security?.signature;
  const key = manifest.security?.public_key;
  if (!signature || !key) return { signature: "none", digest };
  const der = spki(key);
  const pinned = (input.signers.keys ?? []).map(spki).some((p) => p && der && p.equals(der));
  if (!der || !pinned) {
    throw new RunnerError(
      "SIGNATURE_VERIFICATION_FAILED",
      `${name}@${version} is signed by a key the registry has not pinned for ${name}`,
      { name, version, reason: "SIGNER_NOT_PINNED" },
    );
  }
  let ok = false;
  try {
    ok = verifySignature("sha256", bytes, createPublicKey(key), Buffer.from(signature, "base64"));
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new RunnerError(
      "SIGNATURE_VERIFICATION_FAILED",
      `${name}@${version}: the signature does not match`,
      {
        name,
        version,
      },
    );
  }
  return { signature: "key", digest };
};
