/**
 * The model the generator renders and the site displays: every API document as a typed object.
 * The site reads this (from `buildModel`) and never parses manifests itself.
 */
import type {
  ApiError,
  DiscoveryDocument,
  PluginDocument,
  PluginIndexDocument,
  PluginSummary,
  VersionIndexDocument,
} from "../core/api/api.types.ts";
import type { Manifest, Provider } from "../core/manifest.types.ts";
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

/** One valid version as the build needs it without its manifest: where it is, how it is listed. */
export interface VersionPart {
  version: string;
  /** Path of the manifest file relative to the registry root (to copy its bytes as merged). */
  file: string;
  manifest_sha256: string;
  /** Path of the Sigstore bundle relative to the registry root, when there is one. */
  bundleFile?: string;
  published_at: string;
  /**
   * True when `published_at` is the date of the commit that added the file (not a date the model
   * fell back to: the manifest's, or the generation time).
   */
  fromGit: boolean;
  yanked: boolean;
  /** The manifest's description and author, as the feeds show them. */
  description: string;
  author: string;
}

/**
 * What the registry-wide documents need of one plugin, derived from its entry and valid manifests
 * (and their publication times): what a rebuild keeps of an unchanged plugin instead of parsing
 * its manifests again (generator/parts-cache-fs.ts).
 */
export interface PluginParts {
  name: string;
  /** The input key of the plugin's own documents (fingerprint.ts `pluginKey`). */
  key: string;
  summary: PluginSummary;
  /**
   * Its summary's `updated_at` and `version_count`, and why registry.json leaves it out (`upstream`'s
   * `omitted`, if it is), known without the summary and the entry: a plugin taken from remembered
   * parts reads those only when a list is rendered whole (parts-cache-fs.ts).
   */
  updatedAt: string;
  versionCount: number;
  omitted?: OmittedPlugin;
  /**
   * The sha256 of its registry.json entry (fingerprint.ts `listDigest`), absent when it has none:
   * registry.json's key is made of them, so a change that alters no plugin's entry (most new
   * versions) does not render it again.
   */
  entryDigest?: string;
  /** Its entry in the FinFocus CLI's registry.json, or why it has none. */
  upstream: { entry: UpstreamRegistryEntry } | { omitted: OmittedPlugin };
  /** The spec versions its manifests declare, sorted. */
  specVersions: string[];
  /** Every valid version, ascending by SemVer precedence. */
  versions: VersionPart[];
  /**
   * The plugins any of its versions depends on (sorted, unique): who is judged again when one of
   * them changes, in a rebuild from a commit (build-commit.ts).
   */
  dependencies: string[];
  /** The versions with a Sigstore bundle beside their manifest, and its registry file, in order. */
  bundles: { version: string; file: string }[];
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
  parts: PluginParts;
  document: PluginDocument;
  versionIndex: VersionIndexDocument;
  versions: VersionModel[];
  /** Newest first, every version of this plugin. */
  feed: FeedEntry[];
}

/**
 * A plugin whose parts a rebuild took from the cache: its manifests were not parsed. `load` reads
 * them again (checked against the hashes validated) when one of its documents must be rendered.
 */
export interface CachedPluginModel {
  name: string;
  parts: PluginParts;
  load(): Promise<PluginModel>;
  /**
   * True when its parts are those the build that wrote the output folder published (a rebuild
   * from a commit, whose record vouches for them): what the registry-wide lists showed of it then
   * they show now (lists.ts).
   */
  published?: true;
}

/** Every document of the API, with plugins of type `P`. */
export interface ModelOf<P> {
  base_url: string;
  registry_name: string;
  generated_at: string;
  discovery: DiscoveryDocument;
  index: PluginIndexDocument;
  /** Sorted by name. */
  plugins: P[];
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

/** The whole model: every plugin's documents and manifests in memory (what the site renders). */
export type ApiModel = ModelOf<PluginModel>;

/** A rebuild's model: plugins taken from the cache load their documents on demand. */
export type BuildModel = ModelOf<PluginModel | CachedPluginModel>;
