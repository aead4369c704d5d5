import { originOf } from "../../core/net/fetch-policy.ts";
import type { Fetcher } from "../../core/net/fetcher.types.ts";
import { fromFetchError } from "../errors.ts";
import { createManifestSetSource, type ManifestSetOptions } from "./manifest-set-source.ts";
import type { MetadataSource } from "./source.types.ts";

/**
 * The `url` discovery source: manifests at given URLs. The source's custom headers are
 * credentials for each configured URL's own origin: never sent to another origin, never across a
 * redirect that leaves it.
 */
export function createUrlSource(
  urls: string[],
  fetcher: Fetcher,
  options: ManifestSetOptions & { headers?: Record<string, string> } = {},
): MetadataSource {
  return createManifestSetSource(
    "url",
    urls.join(", "),
    async () =>
      Promise.all(
        urls.map(async (url) => {
          const origin = originOf(url);
          try {
            const response = await fetcher.get({
              url,
              maxBytes: 1024 * 1024,
              ...(options.headers && origin ? { credentials: { origin, headers: options.headers } } : {}),
            });
            return { bytes: response.body, location: url };
          } catch (error) {
            throw fromFetchError(error);
          }
        }),
      ),
    options,
  );
}
