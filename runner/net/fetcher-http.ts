import { RunnerError } from "../errors.ts";
import type { Clock, Fetcher, FetchRequest, FetchResponse } from "./fetcher.types.ts";
import { systemClock } from "./fetcher.types.ts";
import { checkUrl } from "./url-policy.ts";

export interface HttpFetcherOptions {
  allowLoopbackHttp?: boolean;
  /** Per attempt, for the whole response (headers and body). Default 30 s. */
  timeoutMs?: number;
  /** Attempts after the first on network errors, 408, 429 and 5xx. Default 2. */
  retries?: number;
  /** First backoff; doubles each retry. Default 200 ms. */
  backoffMs?: number;
  /** Default 5. */
  maxRedirects?: number;
  clock?: Clock;
  userAgent?: string;
}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * The real Fetcher over Node's fetch: redirects followed by hand (each hop re-checked against the
 * URL policy, credentials dropped when the origin changes), a size cap enforced on the bytes that
 * actually arrive, a timeout per attempt and retries with exponential backoff.
 */
export function createHttpFetcher(options: HttpFetcherOptions = {}): Fetcher {
  const clock = options.clock ?? systemClock;
  const retries = options.retries ?? 2;
  return {
    async get(request) {
      let lastError: unknown;
      for (let attempt = 0; attempt <= retries; attempt++) {
        if (attempt > 0) await clock.sleep((options.backoffMs ?? 200) * 2 ** (attempt - 1));
        try {
          return await fetchOnce(request, options);
        } catch (error) {
          lastError = error;
          if (!(error instanceof RetryableError)) throw error;
        }
      }
      const cause = lastError instanceof RetryableError ? lastError.cause : lastError;
      throw new RunnerError(
        "DOWNLOAD_FAILED",
        `GET ${request.url} failed after ${retries + 1} attempts: ${describe(cause)}`,
        { url: request.url, ...(lastError instanceof RetryableError ? { status: lastError.status } : {}) },
        { cause },
      );
    },
  };
}

class RetryableError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number, cause?: unknown) {
    super(message, { cause });
    this.status = status;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}

async function fetchOnce(request: FetchRequest, options: HttpFetcherOptions): Promise<FetchResponse> {
  const allow = options.allowLoopbackHttp ?? false;
  const signal = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  let url = checkUrl(request.url, allow);
  const origin = url.origin;
  let headers: Record<string, string> = {
    "user-agent": options.userAgent ?? "finfocus-registry",
    ...request.headers,
  };
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await fetch(url, { headers, redirect: "manual", signal });
    } catch (error) {
      throw new RetryableError(`network error on ${url.href}`, undefined, error);
    }
    if (response.status >= 300 && response.status < 400 && response.status !== 304) {
      await response.body?.cancel();
      const location = response.headers.get("location");
      if (!location || hop >= (options.maxRedirects ?? 5)) {
        throw new RunnerError("DOWNLOAD_FAILED", `Too many or broken redirects from ${request.url}`, {
          url: request.url,
          status: response.status,
        });
      }
      url = checkUrl(new URL(location, url).href, allow);
      if (url.origin !== origin) {
        headers = Object.fromEntries(
          Object.entries(headers).filter(([k]) => !["authorization", "cookie"].includes(k.toLowerCase())),
        );
      }
      continue;
    }
    if (RETRYABLE.has(response.status)) {
      await response.body?.cancel();
      throw new RetryableError(`HTTP ${response.status}`, response.status);
    }
    if (response.status !== 304 && (response.status < 200 || response.status > 299)) {
      await response.body?.cancel();
      throw new RunnerError("DOWNLOAD_FAILED", `GET ${url.href}: HTTP ${response.status}`, {
        url: url.href,
        status: response.status,
      });
    }
    const body = await readCapped(response, request, url.href);
    return { status: response.status, url: url.href, etag: response.headers.get("etag") ?? undefined, body };
  }
}

async function readCapped(response: Response, request: FetchRequest, href: string): Promise<Uint8Array> {
  const claimed = Number(response.headers.get("content-length"));
  const total = Number.isFinite(claimed) && claimed > 0 ? claimed : undefined;
  if (total !== undefined && total > request.maxBytes) {
    await response.body?.cancel();
    throw tooLarge(href, request.maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let received = 0;
  if (response.body) {
    try {
      for await (const chunk of response.body) {
        received += chunk.byteLength;
        if (received > request.maxBytes) throw tooLarge(href, request.maxBytes);
        chunks.push(chunk);
        request.onProgress?.(received, total);
      }
    } catch (error) {
      if (error instanceof RunnerError) throw error;
      throw new RetryableError(`body of ${href} was cut off`, undefined, error);
    }
  }
  const body = Buffer.concat(chunks, received);
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
}

function tooLarge(href: string, max: number): RunnerError {
  return new RunnerError("DOWNLOAD_FAILED", `${href} is larger than the ${max}-byte limit`, {
    url: href,
    max_bytes: max,
  });
}
