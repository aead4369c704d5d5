/**
 * The one HTTP fetcher of the project, used by the gate (artifacts) and the runner (registry
 * documents, manifests, artifacts): core's fetch policy (`core/net/fetch-policy.ts`) applied over
 * Node's fetch. Redirects are followed by hand, each hop re-checked; credentials go only to the
 * configured origin; the size cap counts the bytes that arrive; every request has a total
 * deadline and an idle timeout; retries are bounded by both a count and the deadline.
 */
import {
  backoffMs,
  checkFetchUrl,
  credentialHeaders,
  DOCUMENT_LIMITS,
  type FetchLimits,
  isRetryableStatus,
  mayRetry,
  redirectTarget,
  SECRET_HEADERS,
  type UrlPolicy,
} from "../core/net/fetch-policy.ts";
import {
  type Clock,
  FetchError,
  type Fetcher,
  type FetchRequest,
  type FetchResponse,
  systemClock,
} from "../core/net/fetcher.types.ts";

export interface HttpFetcherOptions extends Partial<FetchLimits> {
  allowLoopbackHttp?: boolean;
  clock?: Clock;
  userAgent?: string;
}

/** A failure worth another attempt (network error, retryable status, body cut off). */
class Retryable extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number, cause?: unknown) {
    super(message, { cause });
    this.status = status;
  }
}

/** The real Fetcher (see the module comment). */
export function createHttpFetcher(options: HttpFetcherOptions = {}): Fetcher {
  const clock = options.clock ?? systemClock;
  const policy: UrlPolicy = { allowLoopbackHttp: options.allowLoopbackHttp ?? false };
  const limits: FetchLimits = {
    deadlineMs: options.deadlineMs ?? DOCUMENT_LIMITS.deadlineMs,
    idleTimeoutMs: options.idleTimeoutMs ?? DOCUMENT_LIMITS.idleTimeoutMs,
    retries: options.retries ?? DOCUMENT_LIMITS.retries,
    backoffMs: options.backoffMs ?? DOCUMENT_LIMITS.backoffMs,
    maxRedirects: options.maxRedirects ?? DOCUMENT_LIMITS.maxRedirects,
  };
  return {
    async get(request) {
      const deadlineMs = request.deadlineMs ?? limits.deadlineMs;
      const started = Date.now();
      const deadline = AbortSignal.timeout(deadlineMs);
      let last: Retryable | undefined;
      for (let attempt = 0; ; attempt++) {
        if (attempt > 0) {
          if (!mayRetry(attempt, limits, deadlineMs - (Date.now() - started))) break;
          await clock.sleep(backoffMs(attempt, limits));
        }
        try {
          return await attemptOnce(request, { policy, limits, deadline, userAgent: options.userAgent });
        } catch (error) {
          if (!(error instanceof Retryable)) throw error;
          last = error;
          if (deadline.aborted) break;
        }
      }
      const timedOut = deadline.aborted;
      const why = timedOut ? `the ${deadlineMs} ms deadline passed` : describe(last);
      throw new FetchError(
        "DOWNLOAD_FAILED",
        `GET ${request.url} failed: ${why}`,
        {
          url: request.url,
          ...(last?.status !== undefined ? { status: last.status } : {}),
          reason: timedOut ? "deadline" : "retries exhausted",
        },
        { cause: last },
      );
    },
  };
}

interface AttemptContext {
  policy: UrlPolicy;
  limits: FetchLimits;
  deadline: AbortSignal;
  userAgent: string | undefined;
}

/** One attempt: the hops of its redirects, then the body under the size cap and the idle timeout. */
async function attemptOnce(request: FetchRequest, ctx: AttemptContext): Promise<FetchResponse> {
  const first = checkFetchUrl(request.url, ctx.policy);
  if ("problem" in first)
    throw new FetchError("INSECURE_URL", `Refused: ${first.problem}`, { url: request.url });
  let url = first.url;
  let leftOrigin = false;
  const idle = new IdleTimer(ctx.limits.idleTimeoutMs);
  const signal = AbortSignal.any([ctx.deadline, idle.signal]);
  // Secrets passed as ordinary headers are dropped: they travel only as `credentials`.
  const plain = Object.fromEntries(
    Object.entries(request.headers ?? {}).filter(([k]) => !SECRET_HEADERS.has(k.toLowerCase())),
  );
  try {
    for (let hop = 0; ; hop++) {
      const headers = {
        "user-agent": ctx.userAgent ?? "finfocus-registry",
        ...plain,
        ...credentialHeaders(url, request.credentials, leftOrigin),
      };
      let response: Response;
      try {
        idle.reset();
        response = await fetch(url, { headers, redirect: "manual", signal });
      } catch (error) {
        throw new Retryable(`network error on ${url.href}`, undefined, error);
      }
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        await response.body?.cancel();
        const next = redirectTarget(url, response.headers.get("location"), hop, ctx.limits, ctx.policy);
        if ("problem" in next) {
          throw new FetchError(
            next.insecure ? "INSECURE_URL" : "DOWNLOAD_FAILED",
            `GET ${request.url}: ${next.problem}`,
            {
              url: request.url,
              status: response.status,
              reason: "redirect",
            },
          );
        }
        if (next.url.origin !== url.origin) leftOrigin = true;
        url = next.url;
        continue;
      }
      if (isRetryableStatus(response.status)) {
        await response.body?.cancel();
        throw new Retryable(`HTTP ${response.status}`, response.status);
      }
      if (response.status !== 304 && (response.status < 200 || response.status > 299)) {
        await response.body?.cancel();
        const challenge = response.status === 401 ? response.headers.get("www-authenticate") : null;
        throw new FetchError(
          "DOWNLOAD_FAILED",
          `GET ${url.href}: HTTP ${response.status}`,
          { url: url.href, status: response.status },
          challenge !== null ? { challenge } : {},
        );
      }
      const body = await readCapped(response, request, url.href, idle);
      return {
        status: response.status,
        url: url.href,
        etag: response.headers.get("etag") ?? undefined,
        body,
      };
    }
  } finally {
    idle.stop();
  }
}

async function readCapped(
  response: Response,
  request: FetchRequest,
  href: string,
  idle: IdleTimer,
): Promise<Uint8Array> {
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
        idle.reset();
        received += chunk.byteLength;
        if (received > request.maxBytes) throw tooLarge(href, request.maxBytes);
        chunks.push(chunk);
        request.onProgress?.(received, total);
      }
    } catch (error) {
      if (error instanceof FetchError) throw error;
      throw new Retryable(
        `the body of ${href} was cut off${idle.fired ? " (idle timeout)" : ""}`,
        undefined,
        error,
      );
    }
  }
  const body = Buffer.concat(chunks, received);
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
}

function tooLarge(href: string, max: number): FetchError {
  return new FetchError("DOWNLOAD_FAILED", `${href} is larger than the ${max}-byte limit`, {
    url: href,
    max_bytes: max,
    reason: "too large",
  });
}

function describe(error: Retryable | undefined): string {
  if (!error) return "no attempt was made";
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error.message}${cause}`;
}

/** Aborts when no byte arrived for `ms`: a stalled server fails fast whatever the deadline. */
class IdleTimer {
  readonly #controller = new AbortController();
  readonly #ms: number;
  #timer: NodeJS.Timeout | undefined;
  fired = false;

  constructor(ms: number) {
    this.#ms = ms;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  reset(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.fired = true;
      this.#controller.abort(new Error(`no data for ${this.#ms} ms`));
    }, this.#ms);
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}
