import { append } from "../findings.ts";
import type { Finding } from "../findings.types.ts";
import type { Manifest, SecurityLevel } from "../manifest.types.ts";
import type { Entry, RegistryConfig, Signers } from "../registry.types.ts";
import { checkChecksum } from "./checksum.ts";
import { verifyKeySignature } from "./key-signature.ts";
import type { SignatureCheck, SignatureKind, Signer } from "./signature.types.ts";
import { verifySigstoreBundle } from "./sigstore.ts";
import type { TrustedRootData } from "./trusted-root.ts";

/** Signature kinds from weakest to strongest: a new version may not go down this list. */
export const SIGNATURE_KINDS: readonly SignatureKind[] = ["none", "key", "sigstore"];

export interface ReleaseInput {
  manifest: Manifest;
  /** The manifest's path as users see it, e.g. "registry/plugins/x/versions/1.2.0.json". */
  manifestFile: string;
  entry: Entry;
  config: RegistryConfig;
  /** The downloaded artifact's bytes (what the checksum and signatures cover). */
  artifact: Uint8Array;
  /** The `<version>.sigstore.json` bytes or text (or parsed JSON), when there is one. */
  bundle?: Uint8Array | string | unknown;
  bundleFile?: string;
  /** Needed when there is a bundle: from config.sigstore_trusted_root or `publicGoodTrustedRoot`. */
  trustedRoot?: TrustedRootData;
  /** The clock: certificate chains are checked at this time. */
  now: Date;
}

export interface ReleaseVerification {
  /** No error findings: the release may be merged or installed. */
  verified: boolean;
  /** The level the manifest claims (default "untrusted"). */
  level: SecurityLevel;
  /** Which kind of signature verified against a pinned signer ("none" when none did). */
  signature: SignatureKind;
  /** The pinned signer that verified it, shown by the Action's summary and the site. */
  signer?: Signer;
  findings: Finding[];
}

function signersFor(level: SecurityLevel, entry: Entry, config: RegistryConfig): Signers {
  return level === "official" ? (config.official_signers ?? {}) : (entry.signers ?? {});
}

/**
 * The trust policy shared by the pull-request gate and the install runner. The checksum must
 * match. `untrusted` and `community` need no signature, but one that is present must verify (an
 * unpinned signer is then only a warning); `verified` needs a keyed signature or Sigstore bundle
 * by a signer pinned in entry.json; `official` one pinned in config.json's official signers.
 */
export function verifyRelease(input: ReleaseInput): ReleaseVerification {
  const { manifest, manifestFile: file } = input;
  const level = manifest.security?.security_level ?? "untrusted";
  const requirePin = level === "verified" || level === "official";
  const signers = signersFor(level, input.entry, input.config);
  const findings: Finding[] = [];
  const passed: SignatureCheck[] = [];

  const checksum = manifest.installation.checksum;
  if (checksum !== undefined) {
    const algorithm = manifest.installation.checksum_algorithm ?? "sha256";
    append(findings, checkChecksum({ artifact: input.artifact, expected: checksum, algorithm, file }));
  }

  const checksumFindings = findings.length;
  const { signature, public_key: publicKey, certificate_chain: chain } = manifest.security ?? {};
  if (signature !== undefined || publicKey !== undefined) {
    if (signature === undefined || publicKey === undefined) {
      const missing = signature === undefined ? "signature" : "public_key";
      findings.push({
        code: "SIGNATURE_REQUIRED",
        severity: "error",
        message: `security.${missing} is missing: a keyed signature needs both signature and public_key.`,
        file,
        pointer: `/security/${missing}`,
      });
    } else {
      const check = verifyKeySignature({
        artifact: input.artifact,
        signature,
        publicKey,
        ...(chain !== undefined ? { certificateChain: chain } : {}),
        pinnedKeys: signers.keys ?? [],
        trustedCas: input.config.trusted_cas ?? [],
        requirePin,
        now: input.now,
        file,
      });
      append(findings, check.findings);
      if (check.verified && !check.findings.some((f) => f.code === "SIGNER_NOT_PINNED")) passed.push(check);
    }
  }

  if (input.bundle !== undefined) {
    const bundleFile = input.bundleFile ?? file.replace(/\.json$/, ".sigstore.json");
    if (!input.trustedRoot) {
      findings.push({
        code: "TRUSTED_ROOT_INVALID",
        severity: "error",
        message: "There is a Sigstore bundle but no trusted root to verify it with.",
        file: bundleFile,
        pointer: "",
      });
    } else {
      const check = verifySigstoreBundle({
        bundle: input.bundle,
        artifact: input.artifact,
        trustedRoot: input.trustedRoot,
        pins: signers.sigstore ?? [],
        pinnedKeys: signers.keys ?? [],
        candidateKeys: publicKey !== undefined ? [publicKey] : [],
        requirePin,
        file: bundleFile,
      });
      append(findings, check.findings);
      if (check.verified && check.findings.length === 0) passed.push(check);
    }
  }

  const best = passed.sort(
    (a, b) =>
      SIGNATURE_KINDS.indexOf(b.signer?.kind ?? "none") - SIGNATURE_KINDS.indexOf(a.signer?.kind ?? "none"),
  )[0];
  const kind: SignatureKind = best?.signer?.kind ?? "none";
  // Also a safety net: a required signature that did not verify must never end without an error.
  const signatureErrors = findings.slice(checksumFindings).some((f) => f.severity === "error");
  if (requirePin && kind === "none" && !signatureErrors) {
    const where = level === "official" ? "config.json official_signers" : "entry.json signers";
    findings.push({
      code: "SIGNATURE_REQUIRED",
      severity: "error",
      message:
        `security_level "${level}" needs a signature by a signer pinned in ${where}: a keyed ` +
        "signature (security.signature + public_key) or a Sigstore bundle beside the manifest.",
      file,
      pointer: "/security/security_level",
    });
  }
  return {
    verified: !findings.some((f) => f.severity === "error"),
    level,
    signature: kind,
    ...(best?.signer ? { signer: best.signer } : {}),
    findings,
  };
}
