/**
 * `pluginModel`: one plugin's documents, and the parts the registry-wide documents need of it,
 * from its entry and valid manifests. Pure: the same record and inputs give equal results, so
 * parts remembered by a previous build stand in for an unchanged plugin (model.ts assembles both).
 */
import { API_VERSION, type PluginDocument, type VersionIndexDocument } from "../core/api/api.types.ts";
import { manifestPath, pluginFeedPath, versionsPath } from "../core/api/paths.ts";
import type { PluginRecord } from "../core/registry.types.ts";
import { compareFeedEntries, latestTime } from "./feeds.ts";
import { listDigest, pluginKey } from "./fingerprint.ts";
import type { FeedEntry, ModelInputs, PluginModel, VersionPart } from "./model.types.ts";
import { upstreamEntry } from "./registry-json.ts";
import { latestRecord, pluginSummary, sortedUnique, versionSummary } from "./summaries.ts";
import { isoSeconds } from "./time.ts";

/**
 * When a version was published: the commit that added its file, else the manifest's
 * `updated_at` / `created_at`, else the generation time (`usedNow` tells which).
 */
function publishedAt(
  file: string,
  manifest: { metadata: { updated_at?: string; created_at?: string } },
  inputs: ModelInputs,
): { at: string; usedNow: boolean } {
  const at =
    inputs.publishedAt.get(file) ??
    isoSeconds(manifest.metadata.updated_at ?? "") ??
    isoSeconds(manifest.metadata.created_at ?? "");
  return at === undefined ? { at: inputs.generatedAt, usedNow: true } : { at, usedNow: false };
}

/** A feed entry of one version, from its parts (the same for a parsed and a remembered plugin). */
export function feedEntry(name: string, deprecated: boolean, v: VersionPart): FeedEntry {
  return {
    name,
    version: v.version,
    description: v.description,
    author: v.author,
    published_at: v.published_at,
    yanked: v.yanked,
    deprecated,
    manifest_url: manifestPath(name, v.version),
  };
}

/**
 * One plugin with at least one valid version: its documents and its parts. `usesGenerationTime`
 * is true when a version's publication time fell back to the generation time (its parts are
 * then valid for that generation time only).
 */
export function pluginModel(
  record: PluginRecord,
  inputs: ModelInputs,
  baseUrl: string,
): { plugin: PluginModel; usesGenerationTime: boolean } {
  const latest = latestRecord(record);
  let usesGenerationTime = false;
  const versions = record.versions.map((v) => {
    const published = publishedAt(v.file, v.manifest, inputs);
    usesGenerationTime ||= published.usedNow;
    return versionSummary(record, v, published.at);
  });
  const deprecated = record.entry.deprecated ?? false;
  const parts: VersionPart[] = record.versions.map((v, i) => ({
    version: v.version,
    file: v.file,
    manifest_sha256: v.sha256,
    ...(v.bundleFile !== undefined ? { bundleFile: v.bundleFile } : {}),
    published_at: versions[i]!.published_at,
    fromGit: inputs.publishedAt.has(v.file),
    yanked: versions[i]!.yanked,
    description: v.manifest.metadata.description,
    author: v.manifest.metadata.author,
  }));
  const feed = parts.map((v) => feedEntry(record.name, deprecated, v)).sort(compareFeedEntries);
  const updated = latestTime(versions.map((v) => v.published_at)) ?? inputs.generatedAt;
  const document: PluginDocument = {
    api_version: API_VERSION,
    name: record.name,
    owners: [...record.entry.owners].sort((a, b) => a.github_id - b.github_id),
    repository: record.entry.repository,
    signers: {
      keys: [...(record.entry.signers?.keys ?? [])],
      sigstore: [...(record.entry.signers?.sigstore ?? [])],
    },
    deprecated,
    latest_version: latest.version,
    latest: latest.manifest,
    versions,
    versions_url: versionsPath(record.name),
    feed_url: pluginFeedPath(record.name),
  };
  if (deprecated && record.entry.deprecation_message !== undefined)
    document.deprecation_message = record.entry.deprecation_message;
  const versionIndex: VersionIndexDocument = { api_version: API_VERSION, name: record.name, versions };
  const summary = pluginSummary(record, latest, updated);
  const upstream = upstreamEntry(record, latest);
  const plugin: PluginModel = {
    name: record.name,
    entry: record.entry,
    parts: {
      name: record.name,
      key: pluginKey(record.name, record.entry, parts, baseUrl),
      summary,
      updatedAt: summary.updated_at,
      versionCount: summary.version_count,
      ...("entry" in upstream ? { entryDigest: listDigest(upstream.entry) } : {}),
      ...("omitted" in upstream ? { omitted: upstream.omitted } : {}),
      upstream,
      specVersions: sortedUnique(record.versions.map((v) => v.manifest.specification.spec_version)),
      versions: parts,
      bundles: parts.flatMap((v) =>
        v.bundleFile !== undefined ? [{ version: v.version, file: v.bundleFile }] : [],
      ),
      dependencies: sortedUnique(
        record.versions.flatMap((v) => (v.manifest.requirements?.dependencies ?? []).map((d) => d.name)),
      ),
    },
    document,
    versionIndex,
    versions: record.versions.map((v) => ({
      version: v.version,
      file: v.file,
      manifest_sha256: v.sha256,
      manifest: v.manifest,
      ...(v.bundleFile !== undefined ? { bundleFile: v.bundleFile } : {}),
    })),
    feed,
  };
  return { plugin, usesGenerationTime };
}
