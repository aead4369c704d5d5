/**
 * Anonymous pulls as container registries serve them (the distribution spec's token
 * authentication, which ghcr.io and Docker Hub ask for even for public images): a 401 names, in
 * `WWW-Authenticate: Bearer realm="…",service="…"`, where to ask for a pull token; the token is
 * then sent to the registry's own origin only. Pure: the adapter (net/oci-distribution.ts) asks.
 * Everything here comes from the registry, so it is read with bounds and never printed.
 */
import { isObject } from "../json/is-object.ts";
import { loadJson } from "../json/load-json.ts";
import { resolvedHttpUrl } from "../url-policy.ts";

/** Where a registry sends a client for a token, from its 401 answer. */
export interface BearerChallenge {
  realm: string;
  service?: string;
}

/** At most this many bytes of a challenge are read, and of a token answer. */
export const MAX_CHALLENGE_BYTES = 2048;
export const MAX_TOKEN_ANSWER_BYTES = 64 * 1024;
/** A token as an HTTP header value may carry it: visible ASCII, no space, bounded. */
const TOKEN = /^[\x21-\x7e]{1,8192}$/;
/** One auth-param: a name, `=`, a token or a quoted string (RFC 9110 §11.2). */
const PARAM = /\s*([A-Za-z][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]+))\s*(?:,|$)/y;

/**
 * The Bearer challenge of a `WWW-Authenticate` header, or undefined when it has none (another
 * scheme, no realm, or a header past MAX_CHALLENGE_BYTES).
 */
export function bearerChallenge(header: string | undefined): BearerChallenge | undefined {
  if (header === undefined || header.length > MAX_CHALLENGE_BYTES) return undefined;
  const start = /(?:^|,)\s*Bearer\s+/i.exec(header);
  if (!start) return undefined;
  const params = new Map<string, string>();
  // Parameter after parameter; what is not one (the next scheme, say) ends them.
  PARAM.lastIndex = start.index + start[0].length;
  for (let m = PARAM.exec(header); m; m = PARAM.exec(header)) {
    const name = (m[1] as string).toLowerCase();
    if (!params.has(name))
      params.set(name, m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : (m[3] as string));
  }
  const realm = params.get("realm");
  if (!realm) return undefined;
  const service = params.get("service");
  return { realm, ...(service ? { service } : {}) };
}

/**
 * The URL to ask for an anonymous pull token of `repository` (scope `repository:<name>:pull`,
 * whatever the challenge asked), or undefined when the realm is not an absolute http(s) URL.
 * The fetcher's URL policy still judges it (https, or loopback http where allowed).
 */
export function tokenUrl(challenge: BearerChallenge, repository: string): string | undefined {
  const realm = resolvedHttpUrl(challenge.realm);
  if (realm === undefined) return undefined;
  const url = new URL(realm);
  if (challenge.service !== undefined) url.searchParams.set("service", challenge.service);
  url.searchParams.set("scope", `repository:${repository}:pull`);
  return url.href;
}

/** The token of a token endpoint's answer (`token`, else `access_token`), or undefined. */
export function tokenOf(bytes: Uint8Array): string | undefined {
  const value = loadJson(bytes, { file: "token answer", maxBytes: MAX_TOKEN_ANSWER_BYTES }).value;
  if (!isObject(value)) return undefined;
  const { token, access_token: access } = value;
  const found = typeof token === "string" && token !== "" ? token : access;
  return typeof found === "string" && TOKEN.test(found) ? found : undefined;
}
