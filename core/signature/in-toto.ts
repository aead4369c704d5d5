import type { Finding } from "../findings.types.ts";
import { digestsEqual } from "./checksum.ts";

const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

function fail(file: string, pointer: string, message: string): Finding[] {
  return [{ code: "SIGNATURE_VERIFICATION_FAILED", severity: "error", message, file, pointer }];
}

/**
 * A DSSE signature covers the in-toto statement, not the artifact: the artifact is bound only if
 * the statement names its sha256 as a subject. Returns findings when it does not (or when the
 * payload is not an in-toto statement at all).
 */
export function checkInTotoSubject(
  envelope: { payload: Uint8Array; payloadType: string },
  artifactSha256: string,
  file: string,
): Finding[] {
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return fail(
      file,
      "/dsseEnvelope/payloadType",
      `The DSSE payload is ${JSON.stringify(envelope.payloadType)}, not an in-toto statement: it does not name the artifact.`,
    );
  }
  let statement: unknown;
  try {
    statement = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(envelope.payload));
  } catch {
    return fail(file, "/dsseEnvelope/payload", "The in-toto statement in the DSSE envelope is not JSON.");
  }
  const subjects = (statement as { subject?: unknown } | null)?.subject;
  if (!Array.isArray(subjects)) {
    return fail(file, "/dsseEnvelope/payload", "The in-toto statement has no subject list.");
  }
  const match = subjects.some((s) => {
    const digest = (s as { digest?: { sha256?: unknown } } | null)?.digest?.sha256;
    return typeof digest === "string" && digestsEqual(digest, artifactSha256);
  });
  if (match) return [];
  return fail(
    file,
    "/dsseEnvelope/payload",
    `No subject of the in-toto statement has the artifact's sha256 (${artifactSha256}): the attestation is about another file.`,
  );
}
