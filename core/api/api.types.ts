/**
 * The static API's documents (docs/api.md, schemas/api/*.schema.json): the contract between the
 * generator that writes them, the site that renders them and the runner that reads them.
 * Every path is relative to the site root; all documents are UTF-8 JSON with sorted keys.
 */
import type { Manifest, Provider, SecurityLevel } from "../manifest.types.ts";
import type { Account, SigstoreIdentity } from "../registry.types.ts";

export const API_VERSION = "v1";

export type SignatureKind = "none" | "key" | "sigstore";

/** /.well-known/finfocus-registry.json */
export interface DiscoveryDocument {
  api_version: typeof API_VERSION;
  /** Relative ("api/v1/") or absolute URL of the API root. */
  api_root: string;
  registry_name: string;
  base_url: string;
  spec_versions: string[];
  generated_at: string;
  plugin_count: number;
  /**
   * The registry's official signers (config.json), so clients can check `official` releases
   * without a copy of config.json. Absent when the registry names none.
   */
  official_signers?: { keys: string[]; sigstore: SigstoreIdentity[] };
  /**
   * Path, relative to the site root, of the Sigstore trusted root the registry verifies bundles
   * against, when it is not the public-good instance.
   */
  sigstore_trusted_root?: string;
  /** Paths, relative to the site root, of more Sigstore trusted roots (private instances) trusted besides it. */
  sigstore_additional_trusted_roots?: string[];
  /**
   * The CA certificates (PEM) a manifest's `certificate_chain` must lead to (config.json
   * `trusted_cas`), so clients verify chains exactly as the gate did. Absent when there are none.
   */
  trusted_cas?: string[];
  /** Where the registry's TUF metadata is (relative to the site root), when it signs its index. */
  tuf?: { metadata: string };
}

/** One row of /api/v1/plugins/index.json */
export interface PluginSummary {
  name: string;
  latest_version: string;
  description: string;
  author: string;
  providers: Provider[];
  capabilities: string[];
  keywords: string[];
  resource_types: string[];
  security_level: SecurityLevel;
  signature_kind: SignatureKind;
  installation_method: Manifest["installation"]["installation_method"];
  deprecated: boolean;
  updated_at: string;
  version_count: number;
}

/** /api/v1/plugins/index.json */
export interface PluginIndexDocument {
  api_version: typeof API_VERSION;
  generated_at: string;
  plugins: PluginSummary[];
}

/** One row of /api/v1/plugins/<name>/versions/index.json */
export interface VersionSummary {
  version: string;
  /** sha256 of the manifest file as merged. */
  manifest_sha256: string;
  checksum?: string;
  checksum_algorithm?: string;
  download_url?: string;
  installation_method: Manifest["installation"]["installation_method"];
  spec_version: string;
  min_spec_version?: string;
  max_spec_version?: string;
  dependencies: { name: string; version_constraint: string; optional: boolean }[];
  security_level: SecurityLevel;
  signature_kind: SignatureKind;
  yanked: boolean;
  yanked_reason?: string;
  prerelease: boolean;
  published_at: string;
  manifest_url: string;
  bundle_url?: string;
}

/** /api/v1/plugins/<name>/versions/index.json */
export interface VersionIndexDocument {
  api_version: typeof API_VERSION;
  name: string;
  versions: VersionSummary[];
}

/** /api/v1/plugins/<name>/index.json */
export interface PluginDocument {
  api_version: typeof API_VERSION;
  name: string;
  owners: Account[];
  repository: string;
  signers: { keys: string[]; sigstore: SigstoreIdentity[] };
  deprecated: boolean;
  deprecation_message?: string;
  latest_version: string;
  /** The latest non-yanked, non-prerelease manifest. */
  latest: Manifest;
  versions: VersionSummary[];
  versions_url: string;
  feed_url: string;
}

/** The spec's error format, written as static JSON where a host can serve it (404.json). */
export interface ApiError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}
