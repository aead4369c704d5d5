import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { urlProblem } from "../core/url-policy.ts";

/** How artifacts may be fetched: the URL policy is re-checked on every redirect hop. */
export interface DownloadPolicy {
  maxBytes: number;
  timeoutMs: number;
  allowLoopbackHttp: boolean;
  /** Most redirects followed (default 5). */
  maxRedirects?: number;
}

export type DownloadResult =
  | { ok: true; bytes: Uint8Array; finalUrl: string }
  | { ok: false; problem: string };

/** A fetcher port: the real one uses global fetch; tests may pass their own. */
export type Fetcher = (url: string, init: { redirect: "manual"; signal: AbortSignal }) => Promise<Response>;

/**
 * Downloads an artifact into memory under the policy: https only (or loopback http when
 * allowed), at most `maxRedirects` redirects each re-checked (an https URL may not redirect to
 * http or to credentials), one overall timeout, and a size cap enforced both on Content-Length
 * and on the bytes actually received (a lying Content-Length cannot bypass it).
 */
export async function download(
  url: string,
  policy: DownloadPolicy,
  fetcher: Fetcher = fetch,
): Promise<DownloadResult> {
  const signal = AbortSignal.timeout(policy.timeoutMs);
  const maxRedirects = policy.maxRedirects ?? 5;
  let current = url;
  try {
    for (let hop = 0; ; hop++) {
      const problem = urlProblem(current, { allowLoopbackHttp: policy.allowLoopbackHttp });
      if (problem)
        return {
          ok: false,
          problem: `${hop === 0 ? "the URL" : `redirect ${hop} to ${current}`} ${problem}`,
        };
      const response = await fetcher(current, { redirect: "manual", signal });
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel();
        const location = response.headers.get("location");
        if (!location) return { ok: false, problem: `HTTP ${response.status} without a Location header` };
        if (hop >= maxRedirects) return { ok: false, problem: `more than ${maxRedirects} redirects` };
        current = new URL(location, current).toString();
        continue;
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        return { ok: false, problem: `HTTP ${response.status} from ${current}` };
      }
      const declared = Number(response.headers.get("content-length") ?? "NaN");
      if (Number.isFinite(declared) && declared > policy.maxBytes) {
        await response.body?.cancel();
        return { ok: false, problem: `Content-Length ${declared} exceeds the ${policy.maxBytes}-byte limit` };
      }
      return await readCapped(response, policy.maxBytes, current);
    }
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === "TimeoutError" || name === "AbortError") {
      return { ok: false, problem: `timed out after ${policy.timeoutMs} ms` };
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    return { ok: false, problem: `could not be fetched (${why})` };
  }
}

/**
 * A fetcher that answers from a local folder instead of the network: the file named like the
 * last segment of the URL's path, or 404. For registries whose artifacts are committed (demos,
 * air-gapped mirrors); the URL policy and the checksum are still checked.
 */
export function mirrorFetcher(dir: string): Fetcher {
  return async (url) => {
    const name = decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");
    if (name === "" || name === "." || name === ".." || /[/\\\0]/.test(name))
      return new Response(null, { status: 404 });
    try {
      const bytes = await readFile(join(dir, name));
      return new Response(bytes, { status: 200, headers: { "content-length": String(bytes.byteLength) } });
    } catch {
      return new Response(null, { status: 404 });
    }
  };
}

async function readCapped(response: Response, maxBytes: number, finalUrl: string): Promise<DownloadResult> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (!response.body) return { ok: true, bytes: new Uint8Array(), finalUrl };
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return { ok: false, problem: `the artifact exceeds the ${maxBytes}-byte limit` };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes, finalUrl };
}
