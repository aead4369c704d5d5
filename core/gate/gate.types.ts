import type { Finding } from "../findings.types.ts";
import type { FileChange } from "../governance/governance.types.ts";
import type { Fetcher } from "../net/fetcher.types.ts";
import type { OciDistribution } from "../oci/oci.types.ts";
import type { RegistrySource } from "../registry/source.types.ts";
import type { PublicGoodRoot } from "./trusted-root.ts";

/** What decides a gate run, whoever runs it (the Action's inputs, the `gate` command's options). */
export interface GateOptions {
  /** Repository-relative path of the registry root, without trailing slash ("registry", or "."). */
  registryPath: string;
  /** The lowest severity that fails the run. */
  failOn: "error" | "warning";
  /** Download each new version's artifact and verify its checksum and signatures. */
  verifyArtifacts: boolean;
  maxDownloadBytes: number;
  downloadTimeoutMs: number;
  allowLoopbackHttp: boolean;
  /** An explicit Sigstore trusted root file (absolute path), over the registry's and public good. */
  sigstoreTrustedRoot?: string;
}

/** The two commits of one change and what it changes, as the adapter read them. */
export interface GateChange {
  base: RegistrySource;
  head: RegistrySource;
  /** The head commit's id, for the report. */
  headSha: string;
  changes: FileChange[];
  /** Where the changed-file list came from. */
  changesFrom: "git" | "api";
  /**
   * Whether the head contains the base commit (the base is an ancestor of the head, or is it).
   * Only then is the head what merging makes: a branch behind its base merges into a tree the
   * gate never saw (the base's newer versions beside the change), so the gate refuses it.
   */
  baseInHead: boolean;
  /** Who proposes the change, by numeric GitHub id; undefined: not known (a local run without --author-id). */
  author?: { id: number; login: string };
  /**
   * Another account whose rights the change must also have: the owner of the fork that holds the
   * head when that is not the author (it pushes the commits the gate judges, and the author chose
   * its branch). The governance rules run as both; what either may not do is refused (G17).
   */
  coAuthor?: { id: number; login: string };
  /** The pull request's number, when there is one. */
  prNumber?: number;
}

/** What the gate may ask of its adapter: I/O it does not do itself. */
export interface GatePorts {
  /** Fetches artifacts (the project's one fetcher, or a mirror in front of it). */
  fetcher: Fetcher;
  /**
   * Container registries (the OCI distribution API over the same fetcher, without the artifact
   * mirror), for the document a container release pins. Absent: container releases are checked
   * for a pinned digest only, and their row says "not checked".
   */
  oci?: OciDistribution;
  /** Sigstore public good's trusted root (TUF through net/). */
  publicGoodRoot: PublicGoodRoot;
  /**
   * Accounts whose approving review stands on the head commit; asked only when a rule needs a
   * maintainer. Undefined: no reviews exist (a local run). The adapter reports its own failure
   * to read them and answers none.
   */
  approvals?: () => Promise<{ id: number; login: string }[]>;
  now?: () => Date;
}

export type { Finding };
