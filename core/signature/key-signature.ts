import { constants, verify } from "node:crypto";
import type { Finding } from "../findings.types.ts";
import { verifyCertificateChain } from "./certificate-chain.ts";
import { decodeBase64Strict, isPinned, keyFingerprint, parsePublicKey } from "./keys.ts";
import type { SignatureCheck } from "./signature.types.ts";

export interface KeySignatureInput {
  /** The artifact's bytes: what was signed (not its digest). */
  artifact: Uint8Array;
  /** Base64 DER signature (`security.signature`). */
  signature: string;
  /** PEM SPKI public key (`security.public_key`). */
  publicKey: string;
  /** PEM certificates, leaf first (`security.certificate_chain`), when present. */
  certificateChain?: readonly string[];
  /** Keys the signer must be one of (entry.json `signers.keys`, or config.json `official_signers.keys`). */
  pinnedKeys?: readonly string[];
  /** PEM CA certificates a certificate chain must lead to (config.json `trusted_cas`). */
  trustedCas?: readonly string[];
  /** Whether an unpinned key is an error (verified, official) or only a warning (community, untrusted). */
  requirePin: boolean;
  /** The clock: certificate validity is checked at this time. */
  now: Date;
  /** The manifest file, and the pointer of its `security` object (default "/security"). */
  file: string;
  pointer?: string;
}

/**
 * Verifies a keyed signature over the artifact bytes with SHA-256: ECDSA P-256/P-384 (DER, as
 * `openssl dgst -sha256 -sign` and `cosign sign-blob --key` write it) or RSA PKCS#1 v1.5 of at
 * least 2048 bits. Then checks the key is pinned (SPKI DER compared) and, when a certificate chain
 * is given, that it leads to a trusted CA and its leaf holds this very key.
 */
export function verifyKeySignature(input: KeySignatureInput): SignatureCheck {
  const at = input.pointer ?? "/security";
  const finding = (
    code: Finding["code"],
    pointer: string,
    message: string,
    severity: Finding["severity"] = "error",
  ) => ({ code, severity, message, file: input.file, pointer }) satisfies Finding;

  const parsed = parsePublicKey(input.publicKey);
  if (!parsed.value) {
    return {
      verified: false,
      findings: [
        finding("SIGNATURE_VERIFICATION_FAILED", `${at}/public_key`, `The public key ${parsed.problem}.`),
      ],
    };
  }
  const key = parsed.value;
  const signature = decodeBase64Strict(input.signature.trim());
  if (!signature) {
    return {
      verified: false,
      findings: [
        finding("SIGNATURE_VERIFICATION_FAILED", `${at}/signature`, "The signature is not canonical base64."),
      ],
    };
  }
  let ok = false;
  try {
    ok = key.algorithm.startsWith("rsa")
      ? verify("sha256", input.artifact, { key: key.key, padding: constants.RSA_PKCS1_PADDING }, signature)
      : verify("sha256", input.artifact, { key: key.key, dsaEncoding: "der" }, signature);
  } catch {
    ok = false; // malformed signature bytes: simply not valid
  }
  if (!ok) {
    return {
      verified: false,
      findings: [
        finding(
          "SIGNATURE_VERIFICATION_FAILED",
          `${at}/signature`,
          `The signature does not verify over the artifact's bytes with this ${key.algorithm} key and SHA-256: ` +
            "the artifact or the signature was changed, or another key signed it.",
        ),
      ],
    };
  }

  const fingerprint = keyFingerprint(key.spki);
  const findings: Finding[] = [];
  const pinned = isPinned(key.spki, input.pinnedKeys);
  if (!pinned) {
    findings.push(
      finding(
        "SIGNER_NOT_PINNED",
        `${at}/public_key`,
        `The signature verifies, but key ${fingerprint} is not a pinned signer of this plugin` +
          `${input.requirePin ? "" : " (accepted at this security level, but it proves nothing)"}. ` +
          "A maintainer pins keys in entry.json (or config.json for official plugins).",
        input.requirePin ? "error" : "warning",
      ),
    );
  }
  if (input.certificateChain !== undefined) {
    findings.push(
      ...verifyCertificateChain({
        chain: input.certificateChain,
        trustedCas: input.trustedCas ?? [],
        leafKey: key.spki,
        now: input.now,
        file: input.file,
        pointer: `${at}/certificate_chain`,
      }),
    );
  }
  const verified = !findings.some((f) => f.severity === "error");
  return { verified, signer: { kind: "key", fingerprint, algorithm: key.algorithm }, findings };
}
