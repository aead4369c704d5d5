import type { UrlPolicy } from "../core/net/fetch-policy.ts";
import { ARTIFACT_DEADLINE_MS } from "../core/net/fetch-policy.ts";
import { FetchError, type Fetcher } from "../core/net/fetcher.types.ts";
import {
  type BearerChallenge,
  bearerChallenge,
  MAX_TOKEN_ANSWER_BYTES,
  tokenOf,
  tokenUrl,
} from "../core/oci/auth.ts";
import { MANIFEST_MEDIA_TYPES, registryBaseUrl } from "../core/oci/image.ts";
import type { ImageReference, OciDistribution } from "../core/oci/oci.types.ts";

/**
 * The OCI distribution API over the project's one fetcher (its URL policy, deadlines, size caps
 * and redirects apply): `GET /v2/<repository>/manifests/<digest>` and `GET /v2/<repository>/blobs/<digest>`,
 * by digest only. Anonymous pulls: a registry that answers 401 with a Bearer challenge (ghcr.io,
 * Docker Hub) is asked for an anonymous pull token at the realm it names (core/oci/auth.ts),
 * which is then sent as `Authorization` to the registry's origin only (a redirect to a CDN drops
 * it), once per repository while it works, and asked again once when refused. A 404 is
 * undefined. The bytes are unverified here: the runner checks every digest (core/oci/image.ts)
 * before anything is extracted.
 */
export function createOciDistribution(fetcher: Fetcher, urlPolicy: UrlPolicy): OciDistribution {
  const base = (image: ImageReference) => registryBaseUrl(image, urlPolicy.allowLoopbackHttp === true);
  const url = (image: ImageReference, kind: "manifests" | "blobs", digest: string) =>
    `${base(image)}/v2/${image.repository}/${kind}/${digest}`;
  /** Pull tokens by registry and repository, for this client's lifetime (one install run). */
  const tokens = new Map<string, Promise<string>>();
  const get = async (image: ImageReference, target: string, maxBytes: number, accept?: string) => {
    const key = `${base(image)} ${image.repository}`;
    /** The bytes at `target`, with `token` sent to the registry's origin; undefined on a 404. */
    const fetchWith = async (token: string | undefined): Promise<Uint8Array | undefined> => {
      const origin = new URL(base(image)).origin;
      try {
        const response = await fetcher.get({
          url: target,
          maxBytes,
          deadlineMs: ARTIFACT_DEADLINE_MS,
          ...(accept ? { headers: { accept } } : {}),
          ...(token ? { credentials: { origin, headers: { authorization: `Bearer ${token}` } } } : {}),
        });
        return response.body;
      } catch (error) {
        if (error instanceof FetchError && error.details.status === 404) return undefined;
        throw error;
      }
    };
    try {
      return await fetchWith(await tokens.get(key));
    } catch (error) {
      const challenge =
        error instanceof FetchError && error.details.status === 401
          ? bearerChallenge(error.challenge)
          : undefined;
      if (!challenge) throw error;
      const token = anonymousToken(fetcher, challenge, image);
      tokens.set(key, token);
      return fetchWith(await token);
    }
  };
  return {
    manifest: (image, digest) =>
      get(image, url(image, "manifests", digest), 4 << 20, MANIFEST_MEDIA_TYPES.join(", ")),
    blob: (image, digest, maxBytes) => get(image, url(image, "blobs", digest), maxBytes),
  };
}

/** An anonymous pull token for `image`'s repository from the realm a challenge names. */
async function anonymousToken(
  fetcher: Fetcher,
  challenge: BearerChallenge,
  image: ImageReference,
): Promise<string> {
  const where = tokenUrl(challenge, image.repository);
  if (where === undefined) {
    throw new FetchError(
      "DOWNLOAD_FAILED",
      `${image.registry} asks for a token at a realm that is not a URL`,
      {
        url: image.registry,
        reason: "token",
      },
    );
  }
  const answer = await fetcher.get({ url: where, maxBytes: MAX_TOKEN_ANSWER_BYTES });
  const token = tokenOf(answer.body);
  if (token === undefined) {
    throw new FetchError("DOWNLOAD_FAILED", `${image.registry} gave no pull token for ${image.repository}`, {
      url: answer.url,
      reason: "token",
    });
  }
  return token;
}
