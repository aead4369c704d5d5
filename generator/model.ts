/**
 * `buildModel`: a loaded registry snapshot, publication dates and a generation time in, every API
 * document as a typed object out. Pure and deterministic: the same inputs give equal models, so
 * the site, the writer and the tests all see the same thing.
 */
import semver from "semver";
import {
  API_VERSION,
  type DiscoveryDocument,
  type PluginIndexDocument,
  type PluginSummary,
} from "../core/api/api.types.ts";
import { API_ROOT, additionalTrustedRootPath, TRUSTED_ROOT_PATH } from "../core/api/paths.ts";
import type { RegistrySnapshot } from "../core/registry/load-registry.ts";
import { NewestFeed } from "./feeds.ts";
import type {
  ApiModel,
  ModelInputs,
  ModelOf,
  OmittedPlugin,
  PluginParts,
  UpstreamRegistryDocument,
  UpstreamRegistryEntry,
} from "./model.types.ts";
import { GENERIC_NOT_FOUND } from "./not-found.ts";
import { feedEntry, pluginModel } from "./plugin-model.ts";

/** How many releases the registry-wide feed carries. */
export const RELEASES_FEED_SIZE = 50;

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function compareVersions(a: string, b: string): number {
  if (semver.valid(a) && semver.valid(b)) return semver.compare(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Builds every document of the static API as typed objects (see the module comment). */
export function buildModel(snapshot: RegistrySnapshot, inputs: ModelInputs): ApiModel {
  const plugins = [...snapshot.plugins]
    .sort(byName)
    .filter((record) => record.versions.length > 0)
    .map((record) => pluginModel(record, inputs, snapshot.config.base_url).plugin);
  return assembleModel(snapshot, inputs, plugins);
}

/** The plugin index (/api/v1/plugins/index.json) of `plugins`' summaries. */
export function pluginIndex(generatedAt: string, plugins: PluginSummary[]): PluginIndexDocument {
  return { api_version: API_VERSION, generated_at: generatedAt, plugins };
}

/** The FinFocus CLI's registry index (/api/v1/registry.json) of `plugins`' entries, by name. */
export function upstreamRegistry(plugins: Record<string, UpstreamRegistryEntry>): UpstreamRegistryDocument {
  return { schema_version: "1.0.0", plugins };
}

/**
 * The registry-wide documents from each plugin's parts, around `plugins` (sorted by name, each
 * with at least one valid version): the one assembly of full builds and rebuilds alike. The plugin
 * index and registry.json are made when first asked for: a rebuild that patches them (lists.ts)
 * never reads what a plugin taken from its parts shows there.
 */
export function assembleModel<P extends { parts: PluginParts }>(
  snapshot: RegistrySnapshot,
  inputs: ModelInputs,
  plugins: P[],
): ModelOf<P> {
  const baseUrl = snapshot.config.base_url;
  const specVersions = new Set<string>([snapshot.config.spec_version]);
  const releases = new NewestFeed(RELEASES_FEED_SIZE);
  const registryOmitted: OmittedPlugin[] = [];
  for (const { parts } of plugins) {
    // A plugin whose newest version (its summary's updated_at, the latest of its publication
    // times) would not be kept has no version that would: its versions are not looked at (those
    // of a plugin taken from remembered parts are then never read).
    if (releases.wants({ published_at: parts.updatedAt, name: parts.name, version: "" }))
      for (const v of parts.versions) {
        // Only versions among the newest so far make an entry (see NewestFeed).
        if (releases.wants({ published_at: v.published_at, name: parts.name, version: v.version }))
          releases.add(feedEntry(parts.name, parts.summary.deprecated, v));
      }
    for (const spec of parts.specVersions) specVersions.add(spec);
    if (parts.omitted !== undefined) registryOmitted.push(parts.omitted);
  }
  let index: PluginIndexDocument | undefined;
  let registry: UpstreamRegistryDocument | undefined;

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
    get index() {
      index ??= pluginIndex(
        inputs.generatedAt,
        plugins.map((p) => p.parts.summary),
      );
      return index;
    },
    plugins,
    get registry() {
      if (registry === undefined) {
        const entries: Record<string, UpstreamRegistryEntry> = {};
        for (const { parts } of plugins)
          if ("entry" in parts.upstream) entries[parts.name] = parts.upstream.entry;
        registry = upstreamRegistry(entries);
      }
      return registry;
    },
    registryOmitted,
    releases: releases.entries(),
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
