import { originOf } from "../../core/net/fetch-policy.ts";
import type { Fetcher } from "../../core/net/fetcher.types.ts";
import { fromFetchError, RunnerError } from "../errors.ts";
import { createManifestSetSource, type ManifestSetOptions } from "./manifest-set-source.ts";
import type { MetadataSource } from "./source.types.ts";

/**
 * The `url` discovery source: manifests at given URLs. The source's custom headers are
 * credentials for each configured URL's own origin: never sent to another origin, never across a
 * redirect that leaves it. A URL that cannot be read is reported (`problems`) and hides only its
 * own manifest.
 */
export function createUrlSource(
  urls: string[],
  fetcher: Fetcher,
  options: ManifestSetOptions & { headers?: Record<string, string>; timeoutMs?: number } = {},
): MetadataSource {
  return createManifestSetSource(
    "url",
    urls.join(", "),
    async () => {
      const answers = await Promise.allSettled(
        urls.map(async (url) => {
          const origin = originOf(url);
          const response = await fetcher.get({
            url,
            maxBytes: 1024 * 1024,
            ...(options.timeoutMs !== undefined ? { deadlineMs: options.timeoutMs } : {}),
            ...(options.headers && origin ? { credentials: { origin, headers: options.headers } } : {}),
          });
          return { bytes: response.body, location: url };
        }),
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
