import {
  BUNDLE_V01_MEDIA_TYPE,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
  type Bundle,
  bundleFromJSON,
} from "@sigstore/bundle";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import type { Finding } from "../findings.types.ts";
import type { SigstoreIdentity } from "../registry.types.ts";
import { hashBytes } from "./checksum.ts";
import { checkInTotoSubject } from "./in-toto.ts";
import type { SignatureCheck } from "./signature.types.ts";
import type { TrustedRootData } from "./trusted-root.ts";

export interface SigstoreInput {
  /** The bundle file's text (or already parsed JSON). */
  bundle: string | unknown;
  /** The artifact's bytes. */
  artifact: Uint8Array;
  trustedRoot: TrustedRootData;
  /** Identity + issuer pairs, each compared exactly (byte for byte) with the certificate's. */
  pins: readonly SigstoreIdentity[];
  /** Whether an identity outside the pins is an error (verified, official) or a warning. */
  requirePin: boolean;
  /** The bundle file, for findings. */
  file: string;
}

const MEDIA_TYPES: readonly string[] = [
  BUNDLE_V01_MEDIA_TYPE,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
];
const MAX_BUNDLE_CHARS = 4 * 1024 * 1024;

function fail(code: Finding["code"], file: string, pointer: string, message: string): SignatureCheck {
  return { verified: false, findings: [{ code, severity: "error", message, file, pointer }] };
}

function readBundle(input: SigstoreInput): { bundle?: Bundle; failure?: SignatureCheck } {
  let json: unknown = input.bundle;
  if (typeof json === "string") {
    if (json.length > MAX_BUNDLE_CHARS) {
      return { failure: fail("BUNDLE_INVALID", input.file, "", "The Sigstore bundle is larger than 4 MiB.") };
    }
    try {
      json = JSON.parse(json);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return { failure: fail("BUNDLE_INVALID", input.file, "", `The Sigstore bundle is not JSON: ${why}.`) };
    }
  }
  const mediaType = (json as { mediaType?: unknown } | null)?.mediaType;
  if (typeof mediaType !== "string" || !MEDIA_TYPES.includes(mediaType)) {
    return {
      failure: fail(
        "BUNDLE_INVALID",
        input.file,
        "/mediaType",
        `Unknown Sigstore bundle media type ${JSON.stringify(mediaType)}; supported: v0.1, v0.2 and v0.3.`,
      ),
    };
  }
  try {
    return { bundle: bundleFromJSON(json) };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { failure: fail("BUNDLE_INVALID", input.file, "", `The Sigstore bundle is malformed: ${why}.`) };
  }
}

/**
 * Verifies a Sigstore bundle (v0.1 to v0.3; message signature or DSSE) over an artifact with
 * `@sigstore/verify` against the given trusted root: certificate chain to a Fulcio CA, SCTs,
 * transparency-log inclusion, timestamps, signature. The identity is then compared exactly with
 * the pins: the certificate's SAN and its OIDC issuer extension must equal one pin's `identity`
 * and `issuer` (no regular expression, prefix, suffix or substring). For DSSE bundles the in-toto
 * statement must name the artifact's sha256 as a subject. Never throws on bad input.
 */
export function verifySigstoreBundle(input: SigstoreInput): SignatureCheck {
  const { bundle, failure } = readBundle(input);
  if (!bundle) return failure!;
  if (bundle.verificationMaterial.content.$case === "publicKey") {
    return fail(
      "SIGNATURE_VERIFICATION_FAILED",
      input.file,
      "/verificationMaterial/publicKey",
      "The bundle is signed with a managed key, not keylessly: use security.signature and public_key for keys.",
    );
  }
  let identity: { subjectAlternativeName?: string; extensions?: { issuer?: string } } | undefined;
  try {
    const entity = toSignedEntity(bundle, Buffer.from(input.artifact));
    const verifier = new Verifier(toTrustMaterial(input.trustedRoot.root));
    identity = verifier.verify(entity).identity;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why = error instanceof Error ? error.message : String(error);
    return fail(
      "SIGNATURE_VERIFICATION_FAILED",
      input.file,
      "",
      `The Sigstore bundle does not verify against the ${input.trustedRoot.source} trusted root` +
        ` (${typeof code === "string" ? `${code}: ` : ""}${why}).`,
    );
  }
  if (bundle.content.$case === "dsseEnvelope") {
    const subject = checkInTotoSubject(
      bundle.content.dsseEnvelope,
      hashBytes(input.artifact, "sha256"),
      input.file,
    );
    if (subject.length > 0) return { verified: false, findings: subject };
  }
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
  return {
    verified: !input.requirePin,
    signer,
    findings: [
      {
        code: "IDENTITY_MISMATCH",
        severity: input.requirePin ? "error" : "warning",
        message:
          `The bundle verifies, but it was signed by ${san} (issuer ${issuer}), which is not a pinned ` +
          `signer; expected exactly: ${wanted}.`,
        file: input.file,
        pointer: "",
      },
    ],
  };
}
