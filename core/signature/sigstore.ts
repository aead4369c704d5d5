import type { Bundle } from "@sigstore/bundle";
import { type SignedEntity, toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import type { Finding } from "../findings.types.ts";
import type { SigstoreIdentity } from "../registry.types.ts";
import { hashBytes } from "./checksum.ts";
import { checkInTotoSubject } from "./in-toto.ts";
import { isPinned, keyFingerprint, parsePublicKey } from "./keys.ts";
import type { SignatureCheck } from "./signature.types.ts";
import { readBundle } from "./sigstore-bundle.ts";
import type { TrustedRootData } from "./trusted-root.ts";

export interface SigstoreInput {
  /** The bundle file's bytes or text (loaded with the safe JSON loader), or already parsed JSON. */
  bundle: Uint8Array | string | unknown;
  /** The artifact's bytes. */
  artifact: Uint8Array;
  trustedRoot: TrustedRootData;
  /** Identity + issuer pairs, each compared exactly (byte for byte) with the certificate's. */
  pins: readonly SigstoreIdentity[];
  /** PEM keys pinned for bundles signed with a managed key (`cosign sign-blob --key … --bundle`). */
  pinnedKeys?: readonly string[];
  /** Other keys to try for such bundles (e.g. the manifest's public_key); verifying with one is SIGNER_NOT_PINNED. */
  candidateKeys?: readonly string[];
  /** Whether a signer outside the pins is an error (verified, official) or a warning. */
  requirePin: boolean;
  /** The bundle file, for findings. */
  file: string;
}

type Identity = { subjectAlternativeName?: string; extensions?: { issuer?: string } } | undefined;

function fail(code: Finding["code"], file: string, pointer: string, message: string): SignatureCheck {
  return { verified: false, findings: [{ code, severity: "error", message, file, pointer }] };
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const why = error instanceof Error ? error.message : String(error);
  return `${typeof code === "string" ? `${code}: ` : ""}${why}`;
}

/** Keyless: the certificate's SAN and OIDC issuer must equal one pin exactly. */
function matchIdentity(identity: Identity, input: SigstoreInput): SignatureCheck {
  const san = identity?.subjectAlternativeName;
  const issuer = identity?.extensions?.issuer;
  if (san === undefined || issuer === undefined) {
    return fail(
      "IDENTITY_MISMATCH",
      input.file,
      "",
      "The signing certificate names no identity or no OIDC issuer.",
    );
  }
  const signer = { kind: "sigstore", identity: san, issuer } as const;
  if (input.pins.some((pin) => pin.identity === san && pin.issuer === issuer)) {
    return { verified: true, signer, findings: [] };
  }
  const wanted = input.pins.map((p) => `${p.identity} (issuer ${p.issuer})`).join("; ") || "none pinned";
  const severity = input.requirePin ? "error" : "warning";
  const message =
    `The bundle verifies, but it was signed by ${san} (issuer ${issuer}), which is not a pinned ` +
    `signer; expected exactly: ${wanted}.`;
  return {
    verified: !input.requirePin,
    signer,
    findings: [{ code: "IDENTITY_MISMATCH", severity, message, file: input.file, pointer: "" }],
  };
}

/**
 * Managed key: the bundle names its key only by an unauthenticated hint, so each pinned key (then
 * each candidate key) is tried; the first that verifies everything (signature, log, timestamps) wins.
 */
function verifyWithKeys(entity: SignedEntity, input: SigstoreInput): SignatureCheck {
  let last = "no key was given to verify it with (pin the signing key)";
  for (const pem of [...(input.pinnedKeys ?? []), ...(input.candidateKeys ?? [])]) {
    const { value: key, problem } = parsePublicKey(pem);
    if (!key) {
      last = `a given key ${problem}`;
      continue;
    }
    try {
      const material = toTrustMaterial(input.trustedRoot.root, () => ({
        publicKey: key.key,
        validFor: () => true,
      }));
      new Verifier(material).verify(entity);
    } catch (error) {
      last = describe(error);
      continue;
    }
    const fingerprint = keyFingerprint(key.spki);
    const signer = { kind: "key", fingerprint, algorithm: key.algorithm } as const;
    if (isPinned(key.spki, input.pinnedKeys)) return { verified: true, signer, findings: [] };
    const severity = input.requirePin ? "error" : "warning";
    const message = `The bundle verifies with key ${fingerprint}, which is not a pinned signer of this plugin.`;
    return {
      verified: !input.requirePin,
      signer,
      findings: [
        {
          code: "SIGNER_NOT_PINNED",
          severity,
          message,
          file: input.file,
          pointer: "/verificationMaterial/publicKey",
        },
      ],
    };
  }
  return fail(
    "SIGNATURE_VERIFICATION_FAILED",
    input.file,
    "/verificationMaterial/publicKey",
    `The bundle is signed with a managed key and no acceptable key verifies it (${last}).`,
  );
}

function verifyKeyless(
  entity: SignedEntity,
  input: SigstoreInput,
): { identity?: Identity; failure?: SignatureCheck } {
  try {
    return { identity: new Verifier(toTrustMaterial(input.trustedRoot.root)).verify(entity).identity };
  } catch (error) {
    const message = `The Sigstore bundle does not verify against the ${input.trustedRoot.source} trusted root (${describe(error)}).`;
    return { failure: fail("SIGNATURE_VERIFICATION_FAILED", input.file, "", message) };
  }
}

function dsseSubject(bundle: Bundle, input: SigstoreInput): Finding[] {
  if (bundle.content.$case !== "dsseEnvelope") return [];
  return checkInTotoSubject(bundle.content.dsseEnvelope, hashBytes(input.artifact, "sha256"), input.file);
}

/**
 * Verifies a Sigstore bundle (v0.1 to v0.3; message signature or DSSE) over an artifact with
 * `@sigstore/verify` against the given trusted root: certificate chain to a Fulcio CA, SCTs,
 * transparency-log inclusion, timestamps, signature. A keyless signer's identity is then compared
 * exactly with the pins: the certificate's SAN and its OIDC issuer extension must equal one pin's
 * `identity` and `issuer` (no regular expression, prefix, suffix or substring). A managed-key
 * bundle must verify with a pinned key. For DSSE bundles the in-toto statement must name the
 * artifact's sha256 as a subject. Never throws on bad input.
 */
export function verifySigstoreBundle(input: SigstoreInput): SignatureCheck {
  const read = readBundle(input.bundle, input.file);
  const bundle = read.value;
  if (!bundle) return { verified: false, findings: read.findings };
  let entity: SignedEntity;
  try {
    entity = toSignedEntity(bundle, Buffer.from(input.artifact));
  } catch (error) {
    return fail("BUNDLE_INVALID", input.file, "", `The Sigstore bundle is unusable (${describe(error)}).`);
  }
  if (bundle.verificationMaterial.content.$case === "publicKey") {
    const check = verifyWithKeys(entity, input);
    const subject = check.signer ? dsseSubject(bundle, input) : [];
    return subject.length > 0 ? { verified: false, findings: subject } : check;
  }
  const { identity, failure } = verifyKeyless(entity, input);
  if (failure) return failure;
  const subject = dsseSubject(bundle, input);
  if (subject.length > 0) return { verified: false, findings: subject };
  return matchIdentity(identity, input);
}
