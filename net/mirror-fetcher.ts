/**
 * The artifact mirror (core/net/mirror.ts says what it means) as a Fetcher: the manifest's URL is
 * checked against the URL policy as if it were fetched, then the file of the same name is read
 * from the mirror folder, or fetched from the mirror URL through `inner`. The gate's
 * `artifact-mirror` input and the runner's `--artifact-mirror` both use it.
 */
import { RegistryError } from "../core/errors.ts";
import { type LocalFileRefusal, readLocalFile } from "../core/json/local-file.ts";
import { checkFetchUrl, type UrlPolicy } from "../core/net/fetch-policy.ts";
import { FetchError, type Fetcher } from "../core/net/fetcher.types.ts";
import { mirrorLocation } from "../core/net/mirror.ts";

export function createMirrorFetcher(mirror: string, inner: Fetcher, policy: UrlPolicy): Fetcher {
  return {
    async get(request) {
      const checked = checkFetchUrl(request.url, policy);
      if ("problem" in checked) {
        throw new FetchError("INSECURE_URL", `Refused: ${checked.problem}`, { url: request.url });
      }
      const where = mirrorLocation(request.url, mirror);
      if ("problem" in where) {
        throw new FetchError("DOWNLOAD_FAILED", where.problem, { url: request.url, reason: "mirror" });
      }
      if (where.kind === "url") {
        const { credentials: _dropped, ...rest } = request;
        return inner.get({ ...rest, url: where.url });
      }
      return readFromFolder(where.path, request.url, request.maxBytes);
    },
  };
}

/**
 * The mirror folder's file (readLocalFile: a pipe or a device there is refused, never waited on or
 * read forever), as the answer an HTTP mirror would give: missing or not a file is a 404.
 */
async function readFromFolder(path: string, url: string, maxBytes: number) {
  try {
    const body = new Uint8Array(await readLocalFile(path, "mirror's file", maxBytes));
    return { status: 200, url: `file://${path}`, etag: undefined, body };
  } catch (error) {
    const reason = error instanceof RegistryError ? (error.details.reason as LocalFileRefusal) : undefined;
    if (reason === "too large")
      throw new FetchError("DOWNLOAD_FAILED", `${path} is larger than the ${maxBytes}-byte limit`, {
        url,
        max_bytes: maxBytes,
        reason: "too large",
      });
    if (reason === "missing")
      throw new FetchError("DOWNLOAD_FAILED", `the mirror has no ${path}`, {
        url,
        status: 404,
        reason: "mirror",
      });
    throw new FetchError("DOWNLOAD_FAILED", (error as Error).message, { url, status: 404, reason: "mirror" });
  }
}
