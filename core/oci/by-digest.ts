import { FetchError } from "../net/fetcher.types.ts";
import { matchesDigest, parseImageReference } from "./image.ts";
import type { ImageReference, OciDistribution } from "./oci.types.ts";

/** What a digest names, checked against it, or why it could not be had. */
export type ByDigest =
  | { ok: true; bytes: Uint8Array }
  | {
      ok: false;
      code: "IMAGE_DIGEST_REQUIRED" | "DOWNLOAD_FAILED" | "INSECURE_URL" | "CHECKSUM_MISMATCH";
      message: string;
      details: Record<string, unknown>;
      /** The fetcher's error, when the registry could not be asked or refused (its code and details). */
      cause?: FetchError;
    };

/**
 * The document (`manifest`) or blob a digest names, from a container registry through the OCI
 * port, accepted only if its bytes hash to that digest. The one rule the runner (pulling an
 * image) and the gate (checking a container release) follow: absent is DOWNLOAD_FAILED, other
 * bytes are CHECKSUM_MISMATCH, a fetch error keeps its own code.
 */
export async function fetchByDigest(
  oci: OciDistribution,
  image: ImageReference,
  reference: string,
  kind: "manifest" | "blob",
  digest: string,
  maxBytes = 0,
): Promise<ByDigest> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = kind === "manifest" ? await oci.manifest(image, digest) : await oci.blob(image, digest, maxBytes);
  } catch (error) {
    if (!(error instanceof FetchError)) throw error;
    return { ok: false, code: error.code, message: error.message, details: error.details, cause: error };
  }
  if (!bytes)
    return {
      ok: false,
      code: "DOWNLOAD_FAILED",
      message: `${reference}: the registry has no ${kind} ${digest}`,
      details: { reference, digest },
    };
  if (!matchesDigest(bytes, digest))
    return {
      ok: false,
      code: "CHECKSUM_MISMATCH",
      message: `${reference}: the ${kind} served for ${digest} has another digest`,
      details: { reference, digest },
    };
  return { ok: true, bytes };
}

/**
 * The document a container release's reference pins (`registry/repository@sha256:…`): what its
 * checksum and signatures cover. A reference that pins no digest is IMAGE_DIGEST_REQUIRED.
 */
export async function pinnedDocument(
  oci: OciDistribution,
  reference: string,
): Promise<ByDigest & { image?: ImageReference }> {
  const image = parseImageReference(reference);
  if ("problem" in image)
    return { ok: false, code: "IMAGE_DIGEST_REQUIRED", message: image.problem, details: { reference } };
  return { ...(await fetchByDigest(oci, image, reference, "manifest", image.digest)), image };
}
