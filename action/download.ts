import { ARTIFACT_DEADLINE_MS } from "../core/net/fetch-policy.ts";
import { FetchError, type Fetcher } from "../core/net/fetcher.types.ts";
import { createHttpFetcher } from "../net/http-fetcher.ts";
import { createMirrorFetcher } from "../net/mirror-fetcher.ts";

/** How the gate fetches artifacts: the project's one fetcher and URL policy (net/, core/net/). */
export interface DownloadPolicy {
  maxBytes: number;
  /** Total deadline per artifact (attempts, redirects and backoff included). */
  timeoutMs: number;
  allowLoopbackHttp: boolean;
  /** Most redirects followed (default 5). */
  maxRedirects?: number;
}

export type DownloadResult =
  | { ok: true; bytes: Uint8Array; finalUrl: string }
  | { ok: false; problem: string };

export type { Fetcher };

/**
 * The gate's fetcher: the one HTTP fetcher under the download policy, through the artifact
 * mirror when the `artifact-mirror` input names one (a folder or a URL; core/net/mirror.ts).
 */
export function gateFetcher(policy: DownloadPolicy, mirror?: string): Fetcher {
  const http = createHttpFetcher({
    allowLoopbackHttp: policy.allowLoopbackHttp,
    deadlineMs: policy.timeoutMs ?? ARTIFACT_DEADLINE_MS,
    ...(policy.maxRedirects !== undefined ? { maxRedirects: policy.maxRedirects } : {}),
  });
  return mirror ? createMirrorFetcher(mirror, http, { allowLoopbackHttp: policy.allowLoopbackHttp }) : http;
}

/**
 * Downloads an artifact into memory under the policy: https only (or loopback http when allowed),
 * redirects re-checked at each hop, a total deadline, a size cap on the bytes that arrive. A
 * failure is a problem to report as a finding, never an exception.
 */
export async function download(
  url: string,
  policy: DownloadPolicy,
  fetcher: Fetcher = gateFetcher(policy),
): Promise<DownloadResult> {
  try {
    const response = await fetcher.get({ url, maxBytes: policy.maxBytes, deadlineMs: policy.timeoutMs });
    return { ok: true, bytes: response.body, finalUrl: response.url };
  } catch (error) {
    if (error instanceof FetchError) return { ok: false, problem: error.message };
    throw error;
  }
}
