/** The reviewer's view of a pull request's change (made by review.ts, printed by summary.ts). */

/** What one new version changes against the plugin's previous version, for reviewers. */
export interface VersionChange {
  plugin: string;
  version: string;
  /** The highest published version below it; undefined for a plugin's first version. */
  previous?: string;
  permissions: { added: string[]; removed: string[] };
  securityLevel: { from?: string; to?: string };
  dependencies: { added: string[]; removed: string[]; changed: string[] };
}

/** What the change does to a plugin's pinned signers (entry.json, base against head). */
export interface SignerChange {
  plugin: string;
  added: string[];
  removed: string[];
}

/** The reviewer's view of a change: per-version differences, signer changes, auto-merge eligibility. */
export interface Review {
  versions: VersionChange[];
  signers: SignerChange[];
  autoMerge: { eligible: boolean; reasons: string[] };
}
