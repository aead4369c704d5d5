import type { Manifest } from "../../core/manifest.types.ts";
import { parseUntrustedJson } from "../core-link.ts";
import type { Fetcher } from "../net/fetcher.types.ts";
import type { SecurityPolicy } from "../policy.ts";
import { createManifestSetSource } from "./manifest-set-source.ts";
import type { MetadataSource } from "./source.types.ts";

/** The `url` discovery source: manifests at given URLs, fetched with the configured headers. */
export function createUrlSource(
  urls: string[],
  fetcher: Fetcher,
  options: { headers?: Record<string, string>; priority?: number; policy?: SecurityPolicy } = {},
): MetadataSource {
  return createManifestSetSource(
    "url",
    urls.join(", "),
    async () =>
      Promise.all(
        urls.map(async (url) => {
          const response = await fetcher.get({
            url,
            maxBytes: 1024 * 1024,
            ...(options.headers ? { headers: options.headers } : {}),
          });
          return { manifest: parseUntrustedJson(response.body, url, 1024 * 1024) as Manifest, location: url };
        }),
      ),
    options,
  );
}
