import type { Manifest, SecurityLevel } from "../../core/manifest.types.ts";
import type { Signers } from "../../core/registry.types.ts";
import type { SecurityPolicy } from "../policy.ts";

/** The spec's discovery source kinds. */
export type SourceKind = "registry" | "filesystem" | "url" | "git";

/** One version of a plugin as a source lists it: enough to resolve without its manifest. */
export interface AvailableVersion {
  version: string;
  dependencies: { name: string; version_constraint: string; optional: boolean }[];
  yanked: boolean;
  yanked_reason?: string;
  prerelease: boolean;
  spec_version?: string;
  min_spec_version?: string;
  max_spec_version?: string;
  security_level?: SecurityLevel;
  checksum?: string;
}

/** Everything a source knows about one plugin. */
export interface PluginVersions {
  name: string;
  /** The source repository on GitHub as owner/repo, when the registry governs one (entry.json). */
  repository?: string;
  versions: AvailableVersion[];
  /** Signers pinned by the registry (entry.json): the only keys and identities accepted. */
  signers: Signers;
  deprecated: boolean;
  deprecation_message?: string;
}

/** Registry-wide trust anchors: official signers and the Sigstore trusted root (parsed JSON). */
export interface RegistryTrust {
  officialSigners?: Signers;
  trustedRoot?: unknown;
}

/** A row of search results. */
export interface PluginListing {
  name: string;
  version: string;
  description: string;
  author: string;
  security_level: SecurityLevel;
  capabilities: string[];
  providers: string[];
  deprecated: boolean;
  source: SourceKind;
  location: string;
}

/**
 * A discovery source: the registry's static API, a folder, manifest URLs or a git repository.
 * Operations are lazy: a source reads only what a request needs.
 */
export interface MetadataSource {
  readonly kind: SourceKind;
  readonly location: string;
  readonly priority: number;
  /** The source's own security_policy, layered over the global one. */
  readonly policy?: SecurityPolicy;
  /** The plugin's versions, or undefined when this source does not have it. */
  versions(name: string): Promise<PluginVersions | undefined>;
  manifest(name: string, version: string): Promise<Manifest>;
  /** The Sigstore bundle of a version, when the source has one. */
  bundle(name: string, version: string): Promise<unknown | undefined>;
  /** Registry-wide trust anchors the source publishes (official signers, Sigstore trusted root). */
  trust?(): Promise<RegistryTrust>;
  list(filter: string): Promise<PluginListing[]>;
}
