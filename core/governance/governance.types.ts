import type { Finding } from "../findings.types.ts";
import type { Manifest } from "../manifest.types.ts";
import type { Account, Entry } from "../registry.types.ts";

/** How git (or the REST API) reports one changed path of a pull request. */
export type ChangeStatus = "added" | "modified" | "deleted";

/** One changed file, repository-relative with forward slashes. A rename is a delete plus an add. */
export interface FileChange {
  status: ChangeStatus;
  path: string;
}

/** The signature kind of one version (core/signature's): what TRUST_DOWNGRADE compares. */
export type { SignatureKind } from "../signature/signature.types.ts";

/** One version as the governance rules need it: read from the base or the head commit. */
export interface VersionView {
  version: string;
  /** Repository-relative path of the manifest. */
  file: string;
  /** Undefined when the manifest could not be loaded (validation reports why). */
  manifest?: Manifest;
  /** True when `<version>.sigstore.json` sits beside the manifest. */
  hasBundle: boolean;
}

/** Everything one pull request does to one plugin. */
export interface PluginChange {
  name: string;
  /** Repository-relative path of the plugin's entry.json. */
  entryFile: string;
  /** entry.json in the base commit; undefined for a new plugin. */
  baseEntry?: Entry;
  /** entry.json in the head commit; undefined when deleted or unreadable. */
  headEntry?: Entry;
  /** True when entry.json itself changed. */
  entryChanged: boolean;
  /** Version manifests the PR adds. */
  addedVersions: VersionView[];
  /** For each added version (same order): the highest base version below it, if any. */
  previousVersions: (VersionView | undefined)[];
  /** Versions with a manifest in the base commit (published, immutable). */
  baseVersions: string[];
  /** Versions with a manifest in the head commit. */
  headVersions: string[];
}

/**
 * What every governance rule reads. Built by an adapter (the Action reads two git commits);
 * governance data (maintainers, owners, signer pins) always comes from the base commit.
 */
export interface GovernanceContext {
  /** Repository-relative path of the registry root, without trailing slash ("registry"). */
  registryPath: string;
  /** The pull request's author, by numeric GitHub id. */
  author: { id: number; login: string };
  /** config.json maintainers from the base commit. */
  maintainers: readonly Account[];
  changes: readonly FileChange[];
  plugins: readonly PluginChange[];
  /** Plugin names present in the base commit (for collisions). */
  baseNames: readonly string[];
  /**
   * Accounts whose approving review stands on the head commit (see `standingApprovals`). A
   * maintainer among them grants what needs a maintainer (MAINTAINER_REQUIRED, NAME_SIMILAR).
   */
  approvedBy?: readonly { id: number; login: string }[];
}

/** One governance rule: pure, never throws, returns every problem it sees. */
export type GovernanceRule = (ctx: GovernanceContext) => Finding[];
