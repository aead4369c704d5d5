import { X509Certificate } from "node:crypto";
import {
  BUNDLE_V01_MEDIA_TYPE,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
  type Bundle,
  bundleFromJSON,
} from "@sigstore/bundle";
import type { Finding } from "../findings.types.ts";
import { loadJson } from "../json/load-json.ts";

const MEDIA_TYPES: readonly string[] = [
  BUNDLE_V01_MEDIA_TYPE,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
];
/** Most bytes a Sigstore bundle may hold, wherever it is read from. */
export const MAX_BUNDLE_BYTES = 4 * 1024 * 1024;

const invalid = (file: string, pointer: string, message: string): { findings: Finding[] } => ({
  findings: [{ code: "BUNDLE_INVALID", severity: "error", message, file, pointer }],
});

/** Index of a self-signed certificate in a bundle's chain (v0.1/v0.2), if any: clients must refuse it. */
function selfSignedInChain(bundle: Bundle): number | undefined {
  const content = bundle.verificationMaterial.content;
  if (content.$case !== "x509CertificateChain") return undefined;
  const index = content.x509CertificateChain.certificates.findIndex((c) => {
    try {
      const cert = new X509Certificate(c.rawBytes);
      return cert.issuer === cert.subject && cert.verify(cert.publicKey);
    } catch {
      return false;
    }
  });
  return index === -1 ? undefined : index;
}

/**
 * The pointer of the first certificate that OpenSSL cannot read, if any. Checked before the bundle
 * reaches @sigstore/core, whose ASN.1 parser retries speculatively and spends seconds of CPU on a
 * few kilobytes of corrupt DER (found by the fuzzer): OpenSSL refuses those in microseconds.
 */
function unreadableCertificate(bundle: Bundle): string | undefined {
  const content = bundle.verificationMaterial.content;
  const certificates =
    content.$case === "certificate"
      ? [{ at: "/verificationMaterial/certificate/rawBytes", der: content.certificate.rawBytes }]
      : content.$case === "x509CertificateChain"
        ? content.x509CertificateChain.certificates.map((c, i) => ({
            at: `/verificationMaterial/x509CertificateChain/certificates/${i}/rawBytes`,
            der: c.rawBytes,
          }))
        : [];
  for (const { at, der } of certificates) {
    try {
      new X509Certificate(der);
    } catch {
      return at;
    }
  }
  return undefined;
}

/**
 * Reads a Sigstore bundle: bytes or text through the safe JSON loader (size, depth, duplicate and
 * prototype keys), then a known media type (v0.1, v0.2, v0.3 in both spellings), then the
 * structure `@sigstore/bundle` requires, certificates OpenSSL can read, and no root certificate
 * inside. Never throws.
 */
export function readBundle(raw: unknown, file: string): { value?: Bundle; findings: Finding[] } {
  let json = raw;
  if (typeof json === "string" || json instanceof Uint8Array) {
    const bytes = typeof json === "string" ? Buffer.from(json, "utf8") : json;
    const loaded = loadJson(bytes, { file, maxBytes: MAX_BUNDLE_BYTES });
    if (loaded.findings.length > 0) return { findings: loaded.findings };
    json = loaded.value;
  }
  const mediaType = (json as { mediaType?: unknown } | null)?.mediaType;
  if (typeof mediaType !== "string" || !MEDIA_TYPES.includes(mediaType)) {
    return invalid(
      file,
      "/mediaType",
      `Unknown Sigstore bundle media type ${JSON.stringify(mediaType)}; supported: v0.1, v0.2 and v0.3.`,
    );
  }
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return invalid(file, "", `The Sigstore bundle is malformed: ${why}.`);
  }
  const unreadable = unreadableCertificate(bundle);
  if (unreadable !== undefined) {
    return invalid(
      file,
      unreadable,
      "A certificate in the bundle is not a readable X.509 certificate (DER).",
    );
  }
  const root = selfSignedInChain(bundle);
  if (root !== undefined) {
    return invalid(
      file,
      `/verificationMaterial/x509CertificateChain/certificates/${root}`,
      "The bundle's certificate chain contains a self-signed (root) certificate: roots come from the trusted root only.",
    );
  }
  return { value: bundle, findings: [] };
}
