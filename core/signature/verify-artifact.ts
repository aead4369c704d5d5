import { append } from "../findings.ts";
import type { Finding } from "../findings.types.ts";
import type { ChecksumAlgorithm } from "../manifest.types.ts";
import type { SigstoreIdentity } from "../registry.types.ts";
import { checkChecksum } from "./checksum.ts";
import { verifyKeySignature } from "./key-signature.ts";
import type { SignatureCheck, Signer } from "./signature.types.ts";
import { verifySigstoreBundle } from "./sigstore.ts";
import type { TrustedRootData } from "./trusted-root.ts";

/** One artifact and the checks a user asked for, outside any registry (`finfocus-registry verify`). */
export interface ArtifactRequest {
  artifact: Uint8Array;
  /** How findings name the artifact. */
  artifactFile: string;
  checksum?: { algorithm: ChecksumAlgorithm; hex: string };
  /** A keyed signature; the given key is the one trusted (it is pinned by being named). */
  keySignature?: { signature: string; signatureFile: string; publicKey: string };
  /** A Sigstore bundle with the identities (exact) or keys it must be signed by. */
  bundle?: {
    content: Uint8Array | string | unknown;
    file: string;
    pins: readonly SigstoreIdentity[];
    keys: readonly string[];
    trustedRoot: TrustedRootData;
  };
  now: Date;
}

/**
 * Runs every requested check; the artifact is verified when at least one check was asked for
 * and no finding is an error. Every check given must pass (they are not alternatives).
 */
export function verifyArtifact(request: ArtifactRequest): SignatureCheck {
  const findings: Finding[] = [];
  let signer: Signer | undefined;
  const { artifact } = request;
  if (request.checksum) {
    const { algorithm, hex } = request.checksum;
    findings.push(
      ...checkChecksum({ artifact, expected: hex, algorithm, file: request.artifactFile, pointer: "" }),
    );
  }
  if (request.keySignature) {
    const { signature, signatureFile, publicKey } = request.keySignature;
    const check = verifyKeySignature({
      artifact,
      signature,
      publicKey,
      pinnedKeys: [publicKey],
      requirePin: true,
      now: request.now,
      file: signatureFile,
      pointer: "",
    });
    append(findings, check.findings);
    if (check.verified) signer = check.signer;
  }
  if (request.bundle) {
    const { content, file, pins, keys, trustedRoot } = request.bundle;
    const check = verifySigstoreBundle({
      bundle: content,
      artifact,
      trustedRoot,
      pins,
      pinnedKeys: keys,
      requirePin: true,
      file,
    });
    append(findings, check.findings);
    if (check.verified) signer = check.signer;
  }
  const asked =
    request.checksum !== undefined || request.keySignature !== undefined || request.bundle !== undefined;
  const verified = asked && !findings.some((f) => f.severity === "error");
  return { verified, ...(verified && signer ? { signer } : {}), findings };
}
