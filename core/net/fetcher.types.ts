/**
 * The network port. Nothing in the gate or the runner calls `fetch` directly: each is handed a
 * Fetcher (the real one is `net/http-fetcher.ts`), so tests pass one bound to loopback servers,
 * the benchmarks one that counts requests, and a future TUF client can wrap it.
 */
import { RegistryError } from "../errors.ts";

/** Headers that carry a secret (an API key, a source's custom headers) and the one origin they are for. */
export interface Credentials {
  /** `https://host:port`: the origin the user configured for the source. */
  origin: string;
  headers: Record<string, string>;
}

export interface FetchRequest {
  url: string;
  /** Ordinary headers (accept, if-none-match): sent on every hop. */
  headers?: Record<string, string>;
  /** Sent only while the request is at `credentials.origin`: never to another origin, never after a redirect left it. */
  credentials?: Credentials;
  /** Abort once the body passes this many bytes (Content-Length is never trusted). */
  maxBytes: number;
  /** Total time for this request (every attempt, redirect and backoff); default the fetcher's. */
  deadlineMs?: number;
  /** Called as body bytes arrive; `total` is the server's claim, when it made one. */
  onProgress?: (received: number, total: number | undefined) => void;
}

export interface FetchResponse {
  /** 2xx or 304; other statuses are FetchErrors (with `status` in details). */
  status: number;
  /** The final URL after redirects (or the mirror file's location). */
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

/** Why a fetch failed: the URL policy refused it (`INSECURE_URL`) or the transfer did not succeed. */
export class FetchError extends RegistryError<"DOWNLOAD_FAILED" | "INSECURE_URL"> {
  override readonly details: { url: string; status?: number; reason?: string } & Record<string, unknown>;
  /**
   * A 401 answer's `WWW-Authenticate` header (at most 2 KB), for a client that can answer it (the
   * OCI distribution's anonymous tokens, core/oci/auth.ts). The server's text: never printed, so
   * kept out of `details`.
   */
  readonly challenge: string | undefined;
  constructor(
    code: "DOWNLOAD_FAILED" | "INSECURE_URL",
    message: string,
    details: { url: string; status?: number; reason?: string } & Record<string, unknown>,
    options?: { cause?: unknown; challenge?: string },
  ) {
    super(code, message, { ...(options?.cause !== undefined ? { cause: options.cause } : {}), details });
    this.name = "FetchError";
    this.details = details;
    this.challenge = options?.challenge?.slice(0, 2048);
  }
}
