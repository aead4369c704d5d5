import { RunnerError } from "../errors.ts";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** True for the hosts plain HTTP may reach with `allowLoopbackHttp`. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

/**
 * Parses and checks a URL the runner is about to fetch: HTTPS only; plain HTTP only to
 * 127.0.0.1, localhost or [::1], and only when the user allowed it; no credentials in the URL.
 * Checked for the first URL and again for every redirect.
 */
export function checkUrl(text: string, allowLoopbackHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RunnerError("INSECURE_URL", `Not a valid URL: ${JSON.stringify(text)}`, { url: text });
  }
  if (url.username || url.password) {
    throw new RunnerError("INSECURE_URL", `URLs with embedded credentials are refused: ${url.host}`, {
      url: url.origin,
    });
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) {
    if (allowLoopbackHttp) return url;
    throw new RunnerError(
      "INSECURE_URL",
      `Plain HTTP to ${url.host} needs --allow-loopback-http (loopback hosts only).`,
      { url: text },
    );
  }
  throw new RunnerError("INSECURE_URL", `Only https:// URLs are fetched, not ${url.protocol}//${url.host}`, {
    url: text,
  });
}
