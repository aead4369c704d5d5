import { FetchError, type Fetcher } from "../net/fetcher.types.ts";

/** How the gate fetches artifacts: under the project's one URL policy (core/net/), by a given fetcher. */
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

/**
 * Downloads an artifact into memory under the policy through the adapter's fetcher (https only,
 * or loopback http when allowed; redirects re-checked at each hop; a total deadline; a size cap).
 * A failure is a problem to report as a finding, never an exception.
 */
export async function download(
  url: string,
  policy: DownloadPolicy,
  fetcher: Fetcher,
): Promise<DownloadResult> {
  try {
    const response = await fetcher.get({ url, maxBytes: policy.maxBytes, deadlineMs: policy.timeoutMs });
    return { ok: true, bytes: response.body, finalUrl: response.url };
  } catch (error) {
    if (error instanceof FetchError) return { ok: false, problem: error.message };
    throw error;
  }
}
