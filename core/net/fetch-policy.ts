/**
 * The fetch policy, decided once for the gate and the runner (the one HTTP fetcher in
 * `net/http-fetcher.ts` applies it): which URLs may be fetched, where a redirect may go, which
 * hop carries credentials, when to retry, and the time and size bounds of a request.
 */
import { urlProblem } from "../url-policy.ts";
import type { Credentials } from "./fetcher.types.ts";

/** What the URL policy allows besides https: plain http to a loopback host (tests, local demos). */
export interface UrlPolicy {
  allowLoopbackHttp: boolean;
}

/** The bounds of one request. Every field is documented in docs/runner.md ("Download"). */
export interface FetchLimits {
  /** Total time per request: every attempt, redirect and backoff included. */
  deadlineMs: number;
  /** An attempt with no byte (headers or body) for this long fails. */
  idleTimeoutMs: number;
  /** Attempts after the first, on network errors, 408, 425, 429 and 5xx, while the deadline allows. */
  retries: number;
  /** First backoff; doubles each retry. */
  backoffMs: number;
  maxRedirects: number;
}

/** Registry documents: small, so a stalled or drip-feeding server fails within seconds. */
export const DOCUMENT_LIMITS: FetchLimits = {
  deadlineMs: 15_000,
  idleTimeoutMs: 5_000,
  retries: 2,
  backoffMs: 200,
  maxRedirects: 5,
};

/** Artifacts: up to hundreds of MiB, so a longer deadline; a stall still fails in seconds. */
export const ARTIFACT_DEADLINE_MS = 300_000;

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Statuses worth another attempt. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE.has(status);
}

/** The wait before attempt `attempt` (1 = the first retry): exponential backoff. */
export function backoffMs(attempt: number, limits: Pick<FetchLimits, "backoffMs">): number {
  return limits.backoffMs * 2 ** (attempt - 1);
}

/** Whether another attempt may start: retries left, and time left after the backoff. */
export function mayRetry(attempt: number, limits: FetchLimits, msLeft: number): boolean {
  return attempt <= limits.retries && msLeft > backoffMs(attempt, limits) + 100;
}

/** The URL, parsed, when the policy allows fetching it; otherwise why not. */
export function checkFetchUrl(text: string, policy: UrlPolicy): { url: URL } | { problem: string } {
  const problem = urlProblem(text, policy);
  if (problem) return { problem: `${safeForMessage(text)} ${problem}` };
  return { url: new URL(text) };
}

/**
 * Where a redirect may go: `location` resolved against the current URL and checked like the first
 * URL (a refusal there is `insecure`); the hop count is bounded.
 */
export function redirectTarget(
  current: URL,
  location: string | null,
  hop: number,
  limits: Pick<FetchLimits, "maxRedirects">,
  policy: UrlPolicy,
): { url: URL } | { problem: string; insecure: boolean } {
  if (!location) {
    return { problem: `a redirect from ${current.origin} without a Location header`, insecure: false };
  }
  if (hop >= limits.maxRedirects)
    return { problem: `more than ${limits.maxRedirects} redirects`, insecure: false };
  let target: string;
  try {
    target = new URL(location, current).href;
  } catch {
    return {
      problem: `a redirect to ${JSON.stringify(location.slice(0, 200))}, which is not a URL`,
      insecure: false,
    };
  }
  const checked = checkFetchUrl(target, policy);
  return "problem" in checked
    ? { problem: `redirect ${hop + 1}: ${checked.problem}`, insecure: true }
    : checked;
}

/**
 * The credential headers for a hop: only at the configured origin, and never again once the
 * request has left it (a redirect elsewhere and back gets none).
 */
export function credentialHeaders(
  url: URL,
  credentials: Credentials | undefined,
  leftOrigin: boolean,
): Record<string, string> {
  if (!credentials || leftOrigin || url.origin !== credentials.origin) return {};
  return credentials.headers;
}

/** The origin of a URL the user configured (for `Credentials`); undefined when it is not one. */
export function originOf(text: string): string | undefined {
  try {
    return new URL(text).origin;
  } catch {
    return undefined;
  }
}

/** Headers that carry secrets: never ordinary headers, even when a caller passes them so. */
export const SECRET_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "cookie",
  "proxy-authorization",
]);

function safeForMessage(text: string): string {
  try {
    const url = new URL(text);
    return url.username || url.password ? `${url.protocol}//${url.host}` : JSON.stringify(text.slice(0, 300));
  } catch {
    return JSON.stringify(text.slice(0, 300));
  }
}

/**
 * The host a download names, for messages (`DOWNLOAD_FAILED` says which server failed, even when
 * the bytes came through a mirror): the URL's host and port, or the text as given if it is no URL.
 */
export function downloadHost(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}
