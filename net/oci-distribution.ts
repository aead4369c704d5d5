import type { UrlPolicy } from "../core/net/fetch-policy.ts";
import { ARTIFACT_DEADLINE_MS } from "../core/net/fetch-policy.ts";
import { FetchError, type Fetcher } from "../core/net/fetcher.types.ts";
import { MANIFEST_MEDIA_TYPES, registryBaseUrl } from "../core/oci/image.ts";
import type { ImageReference, OciDistribution } from "../core/oci/oci.types.ts";

/**
 * The OCI distribution API over the project's one fetcher (its URL policy, deadlines, size caps
 * and redirects apply): `GET /v2/<repository>/manifests/<digest>` and `GET /v2/<repository>/blobs/<digest>`,
 * by digest only. Anonymous pulls; a 404 is undefined. The bytes are unverified here: the runner
 * checks every digest (core/oci/image.ts) before anything is extracted.
 */
export function createOciDistribution(fetcher: Fetcher, urlPolicy: UrlPolicy): OciDistribution {
  const url = (image: ImageReference, kind: "manifests" | "blobs", digest: string) =>
    `${registryBaseUrl(image, urlPolicy.allowLoopbackHttp === true)}/v2/${image.repository}/${kind}/${digest}`;
  const get = async (target: string, maxBytes: number, accept?: string) => {
    try {
      const response = await fetcher.get({
        url: target,
        maxBytes,
        deadlineMs: ARTIFACT_DEADLINE_MS,
        ...(accept ? { headers: { accept } } : {}),
      });
      return response.body;
    } catch (error) {
      if (error instanceof FetchError && error.details.status === 404) return undefined;
      throw error;
    }
  };
  return {
    manifest: (image, digest) =>
      get(url(image, "manifests", digest), 4 << 20, MANIFEST_MEDIA_TYPES.join(", ")),
    blob: (image, digest, maxBytes) => get(url(image, "blobs", digest), maxBytes),
  };
}
