import type { DownloadPolicy } from "../core/gate/download.ts";
import { ARTIFACT_DEADLINE_MS } from "../core/net/fetch-policy.ts";
import type { Fetcher } from "../core/net/fetcher.types.ts";
import type { OciDistribution } from "../core/oci/oci.types.ts";
import { createHttpFetcher } from "../net/http-fetcher.ts";
import { createMirrorFetcher } from "../net/mirror-fetcher.ts";
import { createOciDistribution } from "../net/oci-distribution.ts";

export type { DownloadPolicy, Fetcher };

/**
 * The gate's fetcher: the one HTTP fetcher under the download policy (`http`, made here unless
 * given), through the artifact mirror when the `artifact-mirror` input names one (a folder or a
 * URL; core/net/mirror.ts).
 */
export function gateFetcher(
  policy: DownloadPolicy,
  mirror?: string,
  http: Fetcher = gateHttpFetcher(policy),
): Fetcher {
  return mirror ? createMirrorFetcher(mirror, http, { allowLoopbackHttp: policy.allowLoopbackHttp }) : http;
}

/**
 * The gate's container registries: the OCI distribution API over `fetcher`, the HTTP fetcher
 * itself (the artifact mirror is for download URLs, not images).
 */
export function gateOci(policy: DownloadPolicy, fetcher: Fetcher): OciDistribution {
  return createOciDistribution(fetcher, { allowLoopbackHttp: policy.allowLoopbackHttp });
}

/** The one HTTP fetcher under the download policy. */
export function gateHttpFetcher(policy: DownloadPolicy): Fetcher {
  return createHttpFetcher({
    allowLoopbackHttp: policy.allowLoopbackHttp,
    deadlineMs: policy.timeoutMs ?? ARTIFACT_DEADLINE_MS,
    ...(policy.maxRedirects !== undefined ? { maxRedirects: policy.maxRedirects } : {}),
  });
}
