/**
 * The artifact mirror (core/net/mirror.ts says what it means) as a Fetcher: the manifest's URL is
 * checked against the URL policy as if it were fetched, then the file of the same name is read
 * from the mirror folder, or fetched from the mirror URL through `inner`. The gate's
 * `artifact-mirror` input and the runner's `--artifact-mirror` both use it.
 */
import { open } from "node:fs/promises";
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

async function readFromFolder(path: string, url: string, maxBytes: number) {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch {
    throw new FetchError("DOWNLOAD_FAILED", `the mirror has no ${path}`, {
      url,
      status: 404,
      reason: "mirror",
    });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new FetchError("DOWNLOAD_FAILED", `the mirror's ${path} is not a file`, { url, status: 404 });
    }
    if (info.size > maxBytes) {
      throw new FetchError("DOWNLOAD_FAILED", `${path} is larger than the ${maxBytes}-byte limit`, {
        url,
        max_bytes: maxBytes,
        reason: "too large",
      });
    }
    const body = new Uint8Array(await handle.readFile());
    return { status: 200, url: `file://${path}`, etag: undefined, body };
  } finally {
    await handle.close();
  }
}
