import type { Result } from "../../core/findings.types.ts";
import type { Manifest, SecurityLevel } from "../../core/manifest.types.ts";
import type { SecurityPolicy } from "../../core/policy/trust-policy.ts";
import type { Signers } from "../../core/registry.types.ts";
import type { PluginVersions } from "../../core/resolve/resolve.types.ts";
import type { Searchable } from "../../core/text/search-filter.ts";

/** The spec's discovery source kinds. */
export type SourceKind = "registry" | "filesystem" | "url" | "git";

export type { AvailableVersion, PluginVersions } from "../../core/resolve/resolve.types.ts";

/** Registry-wide trust anchors: official signers, CAs for certificate chains, the Sigstore trusted root (parsed JSON). */
export interface RegistryTrust {
  officialSigners?: Signers;
  /** PEM CA certificates a manifest's certificate_chain must lead to (config.json `trusted_cas`). */
  trustedCas?: string[];
  trustedRoot?: unknown;
  /**
   * More Sigstore trusted roots (JSON; private instances) trusted besides the one in use, in
   * config.json's order. A root that is named but cannot be read is `null`: verification with a
   * bundle then fails, never silently without it.
   */
  additionalTrustedRoots?: unknown[];
}

/** A row of search results: read-only (a source may return the same frozen row to every search). */
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
  /** When the plugin last changed, if the source says (the registry index's `updated_at`). */
  updated_at?: string;
}

/**
 * Where a search over a large index runs: core's `searchIndexes`, in this thread or another (the
 * daemon's search thread), answering the positions of the matching plugins.
 */
export type Searcher = (plugins: readonly Searchable[], filter: string) => Promise<readonly number[]>;

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
  /**
   * The manifest of a version, judged by core's manifest validation (schema and rules) as the gate
   * judges it: `value` when it passed the schema, `findings` either way.
   */
  manifest(name: string, version: string): Promise<Result<Manifest>>;
  /** The Sigstore bundle of a version, when the source has one. */
  bundle(name: string, version: string): Promise<unknown | undefined>;
  /** Registry-wide trust anchors the source publishes (official signers, Sigstore trusted root). */
  trust?(): Promise<RegistryTrust>;
  /** The plugins `filter` matches (core/text/search-filter.ts); a large index is searched by `search` when given. */
  list(filter: string, search?: Searcher): Promise<PluginListing[]>;
  /** Parts of the source that could not be read while the rest answered (one URL of several). */
  problems?(): Promise<{ location: string; code: string; message: string }[]>;
}
