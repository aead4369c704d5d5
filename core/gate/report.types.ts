import type { Finding } from "../findings.types.ts";
import type { ArtifactRow } from "./artifacts.ts";
import type { Review } from "./review.types.ts";

/** One plugin version the run checked: a row of the summary table. */
export interface VersionReport {
  plugin: string;
  version: string;
  /** Repository-relative manifest path. */
  file: string;
  /** Absent when artifacts were not verified. */
  artifact?: ArtifactRow;
}

/** Everything a run reports: rendered as annotations, job summary, PR comment and outputs. */
export interface GateReport {
  mode: "pull_request" | "full";
  /** No finding at or above the fail-on severity. */
  valid: boolean;
  failOn: "error" | "warning";
  findings: Finding[];
  versions: VersionReport[];
  changedPlugins: string[];
  /** Pull-request mode only. */
  prNumber?: number;
  /** The commit that was checked (PR head, or the pushed commit). */
  sha: string;
  /** Pull-request mode: what changed against the previous versions, and auto-merge eligibility. */
  review?: Review;
  /** Where the changed-file list came from, for the record. */
  changesFrom?: "git" | "api";
}
