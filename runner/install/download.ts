import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Manifest } from "../../core/manifest.types.ts";
import type { RunnerContext } from "../context.ts";
import { RunnerError } from "../errors.ts";
import { writeFileAtomic } from "./atomic-file.ts";

/** The URL the artifact is fetched from: the manifest's, or the same file name on the mirror. */
export function artifactUrl(manifest: Manifest, mirror: string | undefined): string {
  const url = manifest.installation.download_url;
  if (!url) {
    throw new RunnerError(
      "UNSUPPORTED_INSTALLATION_METHOD",
      `${manifest.metadata.name}@${manifest.metadata.version} has no download_url`,
      { name: manifest.metadata.name },
    );
  }
  if (!mirror) return url;
  const file = new URL(url).pathname.split("/").pop() ?? "";
  if (!file)
    throw new RunnerError("DOWNLOAD_FAILED", `${url} names no file to fetch from the mirror`, { url });
  return new URL(encodeURIComponent(decodeURIComponent(file)), mirror.endsWith("/") ? mirror : `${mirror}/`)
    .href;
}

/**
 * Downloads an artifact into memory, bounded by the size cap whatever Content-Length says (I4).
 * The bytes never touch a shared folder before they are verified, and the same buffer is what
 * gets extracted: nothing can swap the file between check and use (I6).
 */
export async function downloadArtifact(
  context: RunnerContext,
  manifest: Manifest,
  options: { skipCache?: boolean } = {},
): Promise<{ url: string; bytes: Uint8Array; fromCache: boolean }> {
  const url = artifactUrl(manifest, context.artifactMirror);
  const plugin = manifest.metadata.name;
  const cached = cacheFile(context, manifest);
  if (cached && !options.skipCache) {
    const bytes = await readFile(cached).catch(() => undefined);
    if (bytes && bytes.byteLength <= context.maxDownloadBytes) {
      return { url, bytes: new Uint8Array(bytes), fromCache: true };
    }
  }
  if (context.offline) {
    throw new RunnerError("OFFLINE_CACHE_MISS", `--offline: the artifact of ${plugin} is not in the cache`, {
      url,
    });
  }
  const response = await context.fetcher.get({
    url,
    maxBytes: context.maxDownloadBytes,
    onProgress: (received, total) => context.onEvent?.({ kind: "download", plugin, url, received, total }),
  });
  return { url, bytes: response.body, fromCache: false };
}

/**
 * Where a verified artifact is kept, named by its checksum: a later install (or `--offline`) reads
 * it from there, and it is verified again like a download, so a changed cache file is refused.
 */
function cacheFile(context: RunnerContext, manifest: Manifest): string | undefined {
  const sum = manifest.installation.checksum?.trim().toLowerCase() ?? "";
  const algorithm = manifest.installation.checksum_algorithm ?? "sha256";
  if (
    !context.artifactCacheDir ||
    !/^[0-9a-f]{64,128}$/.test(sum) ||
    !["sha256", "sha512"].includes(algorithm)
  ) {
    return undefined;
  }
  return join(context.artifactCacheDir, `${algorithm}-${sum}`);
}

/** Keeps verified bytes for later installs; a failure to cache never fails the install. */
export async function cacheArtifact(
  context: RunnerContext,
  manifest: Manifest,
  bytes: Uint8Array,
): Promise<void> {
  const file = cacheFile(context, manifest);
  if (!file || !context.artifactCacheDir) return;
  try {
    await mkdir(context.artifactCacheDir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(file, bytes, 0o600);
  } catch {
    // The cache is an optimisation.
  }
}
