import { context } from "@actions/github";
import semver from "semver";
import type { RepoName } from "./settings.ts";

/** One asset of a GitHub release. */
export interface ReleaseAsset {
  id: number;
  name: string;
  /** The public download URL: what the manifest's download_url names. */
  browserDownloadUrl: string;
}

/** The release being published, from the event (or, for a manual run, from the API by tag). */
export interface Release {
  /** The plugin repository the release belongs to. */
  repository: RepoName;
  id: number;
  tag: string;
  /** The SemVer version: the tag without a leading "v". */
  version: string;
  htmlUrl: string;
  uploadUrl: string;
  publishedAt?: string;
  assets: ReleaseAsset[];
}

/** The payload fields read; all optional, checked before use. */
export interface ReleasePayload {
  id?: unknown;
  tag_name?: unknown;
  html_url?: unknown;
  upload_url?: unknown;
  published_at?: unknown;
  assets?: { id?: unknown; name?: unknown; browser_download_url?: unknown }[];
}

const text = (value: unknown): string => (typeof value === "string" ? value : "");

/** Turns a release payload (webhook or REST) into a Release; throws when it is not one. */
export function toRelease(payload: ReleasePayload, repository: RepoName): Release {
  const tag = text(payload.tag_name);
  if (typeof payload.id !== "number" || tag === "") throw new Error("The release payload has no id or tag.");
  const version = tag.replace(/^v/, "");
  if (semver.valid(version) !== version)
    throw new Error(`The release tag "${tag}" is not a SemVer version (v1.2.3 or 1.2.3).`);
  const published = text(payload.published_at);
  return {
    repository,
    id: payload.id,
    tag,
    version,
    htmlUrl: text(payload.html_url),
    uploadUrl: text(payload.upload_url),
    ...(published ? { publishedAt: published } : {}),
    assets: (payload.assets ?? []).flatMap((a) =>
      typeof a.id === "number" && typeof a.name === "string"
        ? [{ id: a.id, name: a.name, browserDownloadUrl: text(a.browser_download_url) }]
        : [],
    ),
  };
}

/**
 * Reads the event through @actions/github: a `release` event carries the release; a manual run
 * (`workflow_dispatch` with a `tag` input) names it, and `fetchByTag` reads it from the API.
 */
export async function readRelease(
  fetchByTag: (repository: RepoName, tag: string) => Promise<ReleasePayload>,
): Promise<Release> {
  const repository = context.repo;
  const payload = context.payload as { release?: ReleasePayload; inputs?: { tag?: unknown } };
  if (payload.release) return toRelease(payload.release, repository);
  const tag = text(payload.inputs?.tag);
  if (tag) return toRelease(await fetchByTag(repository, tag), repository);
  throw new Error(
    `The ${context.eventName || "unknown"} event names no release: run on "release" (published) or on "workflow_dispatch" with a tag input.`,
  );
}
