import { createHash } from "node:crypto";
import { basename } from "node:path";
import { readLocalFile } from "../core/json/local-file.ts";
import type { Release, ReleaseAsset } from "./event.ts";
import type { GitHubApi } from "./github.ts";
import type { ReleaseSettings } from "./settings.ts";

/** The artifact a manifest names: its bytes, its public URL, and whether it must still be uploaded. */
export interface Artifact {
  name: string;
  bytes: Uint8Array;
  downloadUrl: string;
  /** True when the file was built by the workflow and is not on the release yet. */
  upload: boolean;
}

/** `{version}` and `{tag}` in an asset name pattern. */
export function assetName(pattern: string, release: Release): string {
  return pattern.replaceAll("{version}", release.version).replaceAll("{tag}", release.tag);
}

/** sha256 of the bytes, lower-case hex: the manifest's checksum. */
export const sha256Hex = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

/** The URL GitHub serves a release asset at, before it is uploaded. */
function releaseDownloadUrl(serverUrl: string, release: Release, name: string): string {
  const { owner, repo } = release.repository;
  return `${serverUrl}/${owner}/${repo}/releases/download/${encodeURIComponent(release.tag)}/${encodeURIComponent(name)}`;
}

function pick(release: Release, name: string | undefined): ReleaseAsset {
  const names = release.assets.map((a) => a.name);
  if (name === undefined) {
    if (release.assets.length === 1) return release.assets[0]!;
    throw new Error(
      `Release ${release.tag} has ${release.assets.length} assets (${names.join(", ") || "none"}): name the plugin's archive with the artifact input, or build it and pass artifact-path.`,
    );
  }
  const asset = release.assets.find((a) => a.name === name);
  if (!asset)
    throw new Error(
      `Release ${release.tag} has no asset named "${name}"; it has: ${names.join(", ") || "none"}.`,
    );
  return asset;
}

/** GitHub's limit on one release asset (2 GiB): a larger artifact cannot be published. */
const MAX_ASSET_BYTES = 2 * 1024 * 1024 * 1024 - 1;

/**
 * The release's artifact: a file an earlier step built (`artifact-path`: uploaded to the release
 * only after every check passed), or an asset already on the release, downloaded through the API.
 * A built file whose name is already on the release must have the same bytes.
 */
export async function obtainArtifact(
  settings: ReleaseSettings,
  release: Release,
  api: GitHubApi,
): Promise<Artifact> {
  if (settings.artifactPath) {
    const name = basename(settings.artifactPath);
    const bytes = new Uint8Array(await readLocalFile(settings.artifactPath, "artifact", MAX_ASSET_BYTES));
    const existing = release.assets.find((a) => a.name === name);
    if (existing) {
      const published = await api.downloadAsset(release.repository, existing.id);
      if (sha256Hex(published) !== sha256Hex(bytes))
        throw new Error(
          `Release ${release.tag} already has an asset "${name}" with other bytes than ${settings.artifactPath}: a published asset is never replaced; publish a new release.`,
        );
      return { name, bytes, downloadUrl: existing.browserDownloadUrl, upload: false };
    }
    return { name, bytes, downloadUrl: releaseDownloadUrl(settings.serverUrl, release, name), upload: true };
  }
  const asset = pick(
    release,
    settings.artifact === undefined ? undefined : assetName(settings.artifact, release),
  );
  const bytes = await api.downloadAsset(release.repository, asset.id);
  const downloadUrl = asset.browserDownloadUrl || releaseDownloadUrl(settings.serverUrl, release, asset.name);
  return { name: asset.name, bytes, downloadUrl, upload: false };
}
