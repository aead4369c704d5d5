import type { SecurityLevel } from "../manifest.types.ts";
import type { Signers } from "../registry.types.ts";

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

/** What to resolve: the roots asked for and what is installed already. */
export interface ResolveInput {
  /** What the user asked for: `name` and an optional spec constraint ("^1.2.0", "1.4.0", ">=1.0.0,<2.0.0"). */
  roots: { name: string; constraint?: string }[];
  includePrerelease?: boolean;
  /** The host's spec version. */
  specVersion: string;
  /** Installed versions, kept when they satisfy every constraint (names in `upgrade` are re-resolved). */
  installed?: Record<string, string>;
  upgrade?: string[];
  /** Constraints that installed plugins staying in place put on their dependencies. */
  installedDemands?: { name: string; constraint: string; from: string }[];
}

/** What the resolver knows of a plugin: its versions, `null` when no source has it, `undefined` when not fetched yet. */
export type VersionLookup = (name: string) => PluginVersions | null | undefined;

export interface ResolvedPlugin {
  name: string;
  version: string;
  /** True when this version is already installed and stays. */
  alreadyInstalled: boolean;
  /** Asked for by the user (a root), not only a dependency. */
  explicit: boolean;
  /** The version row picked (absent for an installed version that stays and was not looked up). */
  row?: AvailableVersion;
}
