import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Manifest } from "../../core/manifest.types.ts";
import { ARTIFACT_DEADLINE_MS, checkFetchUrl, downloadHost } from "../../core/net/fetch-policy.ts";
import type { Fetcher } from "../../core/net/fetcher.types.ts";
import { STRONG_CHECKSUMS } from "../../core/policy/artifact-requirements.ts";
import { createMirrorFetcher } from "../../net/mirror-fetcher.ts";
import type { RunnerContext } from "../context.ts";
import { fromFetchError, RunnerError } from "../errors.ts";
import { writeFileAtomic } from "./atomic-file.ts";

/** The fetcher for artifacts: the context's, through the artifact mirror when there is one (core/net/mirror.ts). */
function artifactFetcher(context: RunnerContext): Fetcher {
  return context.artifactMirror
    ? createMirrorFetcher(context.artifactMirror, context.fetcher, context.urlPolicy)
    : context.fetcher;
}

/**
 * Downloads an artifact into memory, bounded by the size cap whatever Content-Length says (I4).
 * The bytes never touch a shared folder before they are verified, and the same buffer is what
 * gets extracted: nothing can swap the file between check and use (I6). The manifest's URL passes
 * the URL policy first, even when the bytes come from the artifact cache or a mirror.
 */
export async function downloadArtifact(
  context: RunnerContext,
  manifest: Manifest,
  options: { skipCache?: boolean } = {},
): Promise<{ url: string; bytes: Uint8Array; fromCache: boolean }> {
  const url = manifest.installation.download_url;
  const plugin = manifest.metadata.name;
  if (!url) {
    throw new RunnerError(
      "UNSUPPORTED_INSTALLATION_METHOD",
      `${plugin}@${manifest.metadata.version} has no download_url`,
      {
        name: plugin,
      },
    );
  }
  const checked = checkFetchUrl(url, context.urlPolicy);
  if ("problem" in checked) throw new RunnerError("INSECURE_URL", `Refused: ${checked.problem}`, { url });
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
  try {
    const response = await artifactFetcher(context).get({
      url,
      maxBytes: context.maxDownloadBytes,
      deadlineMs: ARTIFACT_DEADLINE_MS,
      onProgress: (received, total) => context.onEvent?.({ kind: "download", plugin, url, received, total }),
    });
    return { url, bytes: response.body, fromCache: false };
  } catch (error) {
    const converted = fromFetchError(error);
    if (converted instanceof RunnerError && converted.code === "DOWNLOAD_FAILED")
      throw new RunnerError(
        "DOWNLOAD_FAILED",
        `The artifact of ${plugin}@${manifest.metadata.version} could not be downloaded from ${downloadHost(url)}${context.artifactMirror ? " (through the artifact mirror)" : ""}: ${converted.message}`,
        { ...converted.details, host: downloadHost(url) },
        { cause: error },
      );
    throw converted;
  }
}

/**
 * Where a verified artifact is kept, named by its checksum: a later install (or `--offline`) reads
 * it from there, and it is verified again like a download, so a changed cache file is refused.
 */
function cacheFile(context: RunnerContext, manifest: Manifest): string | undefined {
  const sum = manifest.installation.checksum?.trim().toLowerCase() ?? "";
  const algorithm = manifest.installation.checksum_algorithm ?? "sha256";
  if (!context.artifactCacheDir || !/^[0-9a-f]{64,128}$/.test(sum) || !STRONG_CHECKSUMS.has(algorithm)) {
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
