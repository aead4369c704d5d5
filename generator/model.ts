/**
 * `buildModel`: a loaded registry snapshot, publication dates and a generation time in, every API
 * document as a typed object out. Pure and deterministic: the same inputs give equal models, so
 * the site, the writer and the tests all see the same thing.
 */
import semver from "semver";
import {
  API_VERSION,
  type DiscoveryDocument,
  type PluginDocument,
  type PluginSummary,
  type VersionIndexDocument,
} from "../core/api/api.types.ts";
import {
  API_ROOT,
  additionalTrustedRootPath,
  pluginFeedPath,
  TRUSTED_ROOT_PATH,
  versionsPath,
} from "../core/api/paths.ts";
import type { RegistrySnapshot } from "../core/registry/load-registry.ts";
import { compareFeedEntries, latestTime } from "./feeds.ts";
import type { ApiModel, FeedEntry, ModelInputs, PluginModel } from "./model.types.ts";
import { GENERIC_NOT_FOUND } from "./not-found.ts";
import { upstreamRegistry } from "./registry-json.ts";
import { latestRecord, pluginSummary, versionSummary } from "./summaries.ts";
import { isoSeconds } from "./time.ts";

/** How many releases the registry-wide feed carries. */
export const RELEASES_FEED_SIZE = 50;

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function compareVersions(a: string, b: string): number {
  if (semver.valid(a) && semver.valid(b)) return semver.compare(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * When a version was published: the commit that added its file, else the manifest's
 * `updated_at` / `created_at`, else the generation time.
 */
function publishedAt(
  file: string,
  manifest: { metadata: { updated_at?: string; created_at?: string } },
  inputs: ModelInputs,
): string {
  return (
    inputs.publishedAt.get(file) ??
    isoSeconds(manifest.metadata.updated_at ?? "") ??
    isoSeconds(manifest.metadata.created_at ?? "") ??
    inputs.generatedAt
  );
}

/** Builds every document of the static API as typed objects (see the module comment). */
export function buildModel(snapshot: RegistrySnapshot, inputs: ModelInputs): ApiModel {
  const baseUrl = snapshot.config.base_url;
  const records = [...snapshot.plugins].sort(byName);
  const plugins: PluginModel[] = [];
  const summaries: PluginSummary[] = [];
  const latestOf: { record: (typeof records)[number]; latest: ReturnType<typeof latestRecord> }[] = [];
  const specVersions = new Set<string>([snapshot.config.spec_version]);
  const allFeed: FeedEntry[] = [];

  for (const record of records) {
    if (record.versions.length === 0) continue;
    const latest = latestRecord(record);
    latestOf.push({ record, latest });
    const versions = record.versions.map((v) =>
      versionSummary(record, v, publishedAt(v.file, v.manifest, inputs)),
    );
    const deprecated = record.entry.deprecated ?? false;
    const feed: FeedEntry[] = record.versions.map((v, i) => ({
      name: record.name,
      version: v.version,
      description: v.manifest.metadata.description,
      author: v.manifest.metadata.author,
      published_at: versions[i]!.published_at,
      yanked: versions[i]!.yanked,
      deprecated,
      manifest_url: versions[i]!.manifest_url,
    }));
    feed.sort(compareFeedEntries);
    const updated = latestTime(versions.map((v) => v.published_at)) ?? inputs.generatedAt;
    summaries.push(pluginSummary(record, latest, updated));
    allFeed.push(...feed);
    for (const v of record.versions) specVersions.add(v.manifest.specification.spec_version);

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
    plugins.push({
      name: record.name,
      entry: record.entry,
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
    });
  }

  const registry = upstreamRegistry(latestOf);
  allFeed.sort(compareFeedEntries);

  return {
    base_url: baseUrl,
    registry_name: snapshot.config.name,
    generated_at: inputs.generatedAt,
    discovery: {
      api_version: API_VERSION,
      api_root: API_ROOT,
      registry_name: snapshot.config.name,
      base_url: baseUrl,
      spec_versions: [...specVersions].sort(compareVersions),
      generated_at: inputs.generatedAt,
      plugin_count: plugins.length,
      ...trustAnchors(snapshot),
    },
    index: { api_version: API_VERSION, generated_at: inputs.generatedAt, plugins: summaries },
    plugins,
    registry: registry.document,
    registryOmitted: registry.omitted,
    releases: allFeed.slice(0, RELEASES_FEED_SIZE),
    notFound: GENERIC_NOT_FOUND,
    ...(snapshot.config.sigstore_trusted_root !== undefined
      ? { trustedRootFile: snapshot.config.sigstore_trusted_root }
      : {}),
    ...(snapshot.config.sigstore_additional_trusted_roots?.length
      ? { additionalTrustedRootFiles: snapshot.config.sigstore_additional_trusted_roots }
      : {}),
  };
}

/**
 * The trust anchors a client needs beyond the plugin documents: the official signers, the CAs
 * certificate chains must lead to, and the registry's own Sigstore trusted root. Served from the same origin as every pin in the API; a
 * client that wants them out of band passes config.json itself (`--registry-config`).
 */
function trustAnchors(
  snapshot: RegistrySnapshot,
): Pick<
  DiscoveryDocument,
  "official_signers" | "sigstore_trusted_root" | "sigstore_additional_trusted_roots" | "trusted_cas"
> {
  const signers = snapshot.config.official_signers;
  const cas = snapshot.config.trusted_cas ?? [];
  return {
    ...(cas.length > 0 ? { trusted_cas: cas } : {}),
    ...(signers && ((signers.keys?.length ?? 0) > 0 || (signers.sigstore?.length ?? 0) > 0)
      ? { official_signers: { keys: signers.keys ?? [], sigstore: signers.sigstore ?? [] } }
      : {}),
    ...(snapshot.config.sigstore_trusted_root !== undefined
      ? { sigstore_trusted_root: TRUSTED_ROOT_PATH }
      : {}),
    ...(snapshot.config.sigstore_additional_trusted_roots?.length
      ? {
          sigstore_additional_trusted_roots: snapshot.config.sigstore_additional_trusted_roots.map((_, i) =>
            additionalTrustedRootPath(i),
          ),
        }
      : {}),
  };
}
