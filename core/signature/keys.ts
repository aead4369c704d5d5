import { createHash, createPublicKey, type KeyObject } from "node:crypto";

/** A public key accepted for keyed signatures, with its SPKI DER bytes (the identity we compare). */
export interface ParsedKey {
  key: KeyObject;
  spki: Buffer;
  /** "ecdsa-p256", "ecdsa-p384" or "rsa-<bits>". */
  algorithm: string;
}

const PEM_PUBLIC_KEY = /^-----BEGIN PUBLIC KEY-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END PUBLIC KEY-----\s*$/;
const CURVES: Readonly<Record<string, string>> = { prime256v1: "ecdsa-p256", secp384r1: "ecdsa-p384" };
const RSA_MIN_BITS = 2048;
const RSA_MAX_BITS = 16384;

/**
 * Parses a PEM `PUBLIC KEY` (SPKI) and applies the key policy: ECDSA P-256 or P-384, or RSA of
 * 2048 to 16384 bits. Returns a reason instead of a key when refused, so callers can say why.
 * Certificates, private keys and PKCS#1 `RSA PUBLIC KEY` blocks are refused: a pin is a key.
 */
export function parsePublicKey(pem: string): { value?: ParsedKey; problem?: string } {
  const text = pem.trim();
  if (!PEM_PUBLIC_KEY.test(`${text}\n`)) {
    return { problem: "is not a PEM public key (expected one '-----BEGIN PUBLIC KEY-----' block, SPKI)" };
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: "pem" });
  } catch {
    return { problem: "is not a readable public key (malformed PEM or DER)" };
  }
  const details = key.asymmetricKeyDetails ?? {};
  let algorithm: string | undefined;
  if (key.asymmetricKeyType === "ec") {
    algorithm = CURVES[details.namedCurve ?? ""];
    if (!algorithm)
      return { problem: `uses curve ${details.namedCurve ?? "unknown"}; only P-256 and P-384 are accepted` };
  } else if (key.asymmetricKeyType === "rsa") {
    const bits = details.modulusLength ?? 0;
    if (bits < RSA_MIN_BITS)
      return { problem: `is RSA ${bits}; RSA keys must have at least ${RSA_MIN_BITS} bits` };
    if (bits > RSA_MAX_BITS)
      return { problem: `is RSA ${bits}; RSA keys larger than ${RSA_MAX_BITS} bits are refused` };
    algorithm = `rsa-${bits}`;
  } else {
    return {
      problem: `is a ${key.asymmetricKeyType ?? "unknown"} key; only ECDSA P-256/P-384 and RSA are accepted`,
    };
  }
  return { value: { key, spki: key.export({ type: "spki", format: "der" }), algorithm } };
}

/** `sha256:<hex>` of SPKI DER bytes: how findings, results and the site name a key. */
export function keyFingerprint(spki: Uint8Array): string {
  return `sha256:${createHash("sha256").update(spki).digest("hex")}`;
}

/**
 * The fingerprint (`keyFingerprint`) of a PEM public key, whatever the key policy says of it, or
 * undefined when the text is not a readable public key: what the site shows for a pinned key, so
 * it reads exactly like the gate's and the CLI's messages.
 */
export function pemFingerprint(pem: string): string | undefined {
  try {
    return keyFingerprint(
      createPublicKey({ key: pem.trim(), format: "pem" }).export({ type: "spki", format: "der" }),
    );
  } catch {
    return undefined;
  }
}

/**
 * Whether a key is among the pinned PEM keys, compared by SPKI DER bytes (so re-wrapped or
 * re-encoded PEM text of the same key matches, and a different key never does). Pins that do
 * not parse are skipped: entry validation reports them.
 */
export function isPinned(spki: Uint8Array, pinnedPems: readonly string[] | undefined): boolean {
  return (pinnedPems ?? []).some((pem) => parsePublicKey(pem).value?.spki.equals(spki) === true);
}

/**
 * Decodes strict base64 (RFC 4648, padding required, no whitespace, canonical). Node's decoder
 * skips invalid characters silently; a signature must not mean two things.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : undefined;
}
