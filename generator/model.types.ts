/**
 * The model the generator renders and the site displays: every API document as a typed object.
 * The site reads this (from `buildModel`) and never parses manifests itself.
 */
import type {
  ApiError,
  DiscoveryDocument,
  PluginDocument,
  PluginIndexDocument,
  VersionIndexDocument,
} from "../core/api/api.types.ts";
import type { Manifest, Provider, SecurityLevel } from "../core/manifest.types.ts";
import type { Entry } from "../core/registry.types.ts";

/** Publication time (ISO 8601, UTC, seconds) per manifest file, keyed by path relative to the registry root. */
export type PublishedDates = ReadonlyMap<string, string>;

export interface ModelInputs {
  /** From git history (`readGitDates`); files missing here fall back to the manifest's own dates. */
  publishedAt: PublishedDates;
  /** ISO 8601 UTC; `SOURCE_DATE_EPOCH` when set (see `generationTime`). */
  generatedAt: string;
}

/** One entry of the FinFocus CLI's registry index (upstream plugin_registry.schema.json). */
export interface UpstreamRegistryEntry {
  name: string;
  description: string;
  repository: string;
  author: string;
  license?: string;
  homepage?: string;
  supported_providers: Provider[];
  capabilities?: string[];
  /** Our level as the FinFocus CLI says it (core/finfocus): `verified` is `community` there. */
  security_level: "official" | "community";
  min_spec_version: string;
  max_spec_version?: string;
  keywords?: string[];
  deprecated?: true;
  deprecation_message?: string;
}

/** /api/v1/registry.json */
export interface UpstreamRegistryDocument {
  schema_version: "1.0.0";
  plugins: Record<string, UpstreamRegistryEntry>;
}

/** A plugin the upstream format cannot express (e.g. a description shorter than 10 characters). */
export interface OmittedPlugin {
  name: string;
  reason: string;
}

/** One release, as the Atom feeds show it. */
export interface FeedEntry {
  name: string;
  version: string;
  description: string;
  author: string;
  published_at: string;
  yanked: boolean;
  deprecated: boolean;
  manifest_url: string;
}

export interface VersionModel {
  version: string;
  /** Path of the manifest file relative to the registry root (to copy its bytes as merged). */
  file: string;
  manifest_sha256: string;
  manifest: Manifest;
  /** Path of the Sigstore bundle relative to the registry root, when there is one. */
  bundleFile?: string;
}

export interface PluginModel {
  name: string;
  /** The plugin's entry.json as loaded (governance: owners, signers, yanks, deprecation). */
  entry: Entry;
  document: PluginDocument;
  versionIndex: VersionIndexDocument;
  versions: VersionModel[];
  /** Newest first, every version of this plugin. */
  feed: FeedEntry[];
}

export interface ApiModel {
  base_url: string;
  registry_name: string;
  generated_at: string;
  discovery: DiscoveryDocument;
  index: PluginIndexDocument;
  /** Sorted by name. */
  plugins: PluginModel[];
  registry: UpstreamRegistryDocument;
  registryOmitted: OmittedPlugin[];
  /** The newest 50 versions across the registry, newest first. */
  releases: FeedEntry[];
  notFound: ApiError;
  /** Registry-relative path of config.json's sigstore_trusted_root, published as TRUSTED_ROOT_PATH. */
  trustedRootFile?: string;
  /** Registry-relative paths of config.json's sigstore_additional_trusted_roots, published in order. */
  additionalTrustedRootFiles?: string[];
}
