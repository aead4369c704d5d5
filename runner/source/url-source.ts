import { resolve } from "node:path";
import { originOf, type UrlPolicy } from "../../core/net/fetch-policy.ts";
import type { Clock, Fetcher } from "../../core/net/fetcher.types.ts";
import { fromFetchError, RunnerError } from "../errors.ts";
import { spendReadBudget } from "../resolve/read-budget.ts";
import { HttpCache } from "./http-cache.ts";
import { createManifestSetSource, type ManifestSetOptions } from "./manifest-set-source.ts";
import type { MetadataSource } from "./source.types.ts";

/** Where a `url` source keeps what it read, so `--offline` can serve it. */
export interface UrlSourceCache {
  /** The cache folder (documents under `url/`, one file per URL). */
  dir: string;
  clock: Clock;
  urlPolicy: UrlPolicy;
  /** Serve only what is cached (`--offline`): a URL never read is OFFLINE_CACHE_MISS. */
  offline?: boolean;
}

const MAX_MANIFEST_BYTES = 1024 * 1024;

/**
 * The `url` discovery source: manifests at given URLs. The source's custom headers are
 * credentials for each configured URL's own origin: never sent to another origin, never across a
 * redirect that leaves it. A URL that cannot be read is reported (`problems`) and hides only its
 * own manifest. With `cache`, every read revalidates what was cached (a 304 costs no body) and
 * `--offline` reads only the cache, as the registry source does.
 */
export function createUrlSource(
  urls: string[],
  fetcher: Fetcher,
  options: ManifestSetOptions & {
    headers?: Record<string, string>;
    timeoutMs?: number;
    cache?: UrlSourceCache;
  } = {},
): MetadataSource {
  const deadline = options.timeoutMs !== undefined ? { deadlineMs: options.timeoutMs } : {};
  const credentialsFor = (url: string) => {
    const origin = originOf(url);
    return options.headers && origin ? { credentials: { origin, headers: options.headers } } : {};
  };
  // One cache per URL, made once (its credentials are for that URL's origin only).
  const { cache } = options;
  const caches = new Map(
    cache
      ? urls.map((url) => [
          url,
          new HttpCache({
            fetcher,
            clock: cache.clock,
            urlPolicy: cache.urlPolicy,
            dir: resolve(cache.dir, "url"),
            maxBytes: MAX_MANIFEST_BYTES,
            ...(cache.offline ? { offline: true } : {}),
            ...credentialsFor(url),
            ...deadline,
          }),
        ])
      : [],
  );
  const read = async (url: string): Promise<Uint8Array> => {
    const cached = caches.get(url);
    if (!cached) {
      const { body } = await fetcher.get({
        url,
        maxBytes: MAX_MANIFEST_BYTES,
        ...deadline,
        ...credentialsFor(url),
      });
      spendReadBudget(body.byteLength, url);
      return body;
    }
    const body = await cached.get(url, 0);
    if (body === undefined)
      throw new RunnerError("DOWNLOAD_FAILED", `${url}: HTTP 404 (no manifest there)`, { url, status: 404 });
    return body;
  };
  return createManifestSetSource(
    "url",
    urls.join(", "),
    async () => {
      const answers = await Promise.allSettled(
        urls.map(async (url) => ({ bytes: await read(url), location: url })),
      );
      // One URL down hides only its own manifest; all of them down is the source unreachable.
      if (answers.every((a) => a.status === "rejected")) throw fromFetchError(answers[0]?.reason);
      return answers.map((a, i) => {
        if (a.status === "fulfilled") return a.value;
        const error = fromFetchError(a.reason);
        const location = urls[i] ?? "";
        return {
          location,
          error:
            error instanceof RunnerError
              ? error
              : new RunnerError("DISCOVERY_SOURCE_UNREACHABLE", `${location}: ${String(error)}`, {
                  location,
                }),
        };
      });
    },
    options,
  );
}
