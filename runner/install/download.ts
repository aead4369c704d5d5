import type { Manifest } from "../../core/manifest.types.ts";
import type { RunnerContext } from "../context.ts";
import { RunnerError } from "../errors.ts";

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
): Promise<{ url: string; bytes: Uint8Array }> {
  const url = artifactUrl(manifest, context.artifactMirror);
  const plugin = manifest.metadata.name;
  const response = await context.fetcher.get({
    url,
    maxBytes: context.maxDownloadBytes,
    onProgress: (received, total) => context.onEvent?.({ kind: "download", plugin, url, received, total }),
  });
  return { url, bytes: response.body };
}
