/**
 * The network port. The runner never calls `fetch` directly: it is handed a Fetcher, so tests
 * pass one bound to loopback servers, the benchmark one that counts requests, and a future TUF
 * client can wrap it.
 */
export interface FetchRequest {
  url: string;
  headers?: Record<string, string>;
  /** Abort once the body passes this many bytes (Content-Length is never trusted). */
  maxBytes: number;
  /** Called as body bytes arrive; `total` is the server's claim, when it made one. */
  onProgress?: (received: number, total: number | undefined) => void;
}

export interface FetchResponse {
  /** 2xx or 304; other statuses are DOWNLOAD_FAILED errors (with `status` in details). */
  status: number;
  /** The final URL after redirects. */
  url: string;
  etag: string | undefined;
  body: Uint8Array;
}

export interface Fetcher {
  get(request: FetchRequest): Promise<FetchResponse>;
}

/** Time, injectable so cache expiry and backoff are testable. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
