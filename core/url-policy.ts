/** Hosts that plain http:// may reach when loopback HTTP is allowed (tests and local demos only). */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** True for a loopback host name (the daemon's listen rule and the URL policy share it). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

const SIMPLE_HTTPS = /^https:\/\/[a-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~/%+-]*)?$/;

/**
 * Why a URL may not be used to fetch anything, or undefined when it may: https only, no
 * credentials in the URL, and plain http only to a loopback host when that is allowed.
 * The gate, the generator and the install runner all ask this one function.
 */
export function urlProblem(text: string, options: { allowLoopbackHttp?: boolean } = {}): string | undefined {
  // Fast path for the common case: https with a plain host (no userinfo, no odd characters).
  if (SIMPLE_HTTPS.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "is not a valid URL";
  }
  if (url.username !== "" || url.password !== "") return "must not carry credentials (user:password@)";
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:") {
    if (options.allowLoopbackHttp && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
    return options.allowLoopbackHttp
      ? "uses http:// to a host that is not loopback (127.0.0.1, localhost, [::1]): use https://"
      : "uses http://: use https://";
  }
  return `uses the '${url.protocol}' scheme: only https:// is allowed`;
}

/**
 * The absolute URL that `reference` (a URL field of a registry's document, untrusted) names
 * against `base`, or undefined when it names no http(s) URL: `new URL` throws on what does not
 * parse, and a URL of another scheme (`a:!`) can be no base for the paths later joined to it.
 * Without a base, `reference` must be absolute (a URL a user configured). Whether it may then be
 * fetched is `urlProblem`'s to say, as for every URL.
 */
export function resolvedHttpUrl(reference: string, base?: string): string | undefined {
  let url: URL;
  try {
    url = new URL(reference, base);
  } catch {
    return undefined;
  }
  return url.protocol === "https:" || url.protocol === "http:" ? url.href : undefined;
}
