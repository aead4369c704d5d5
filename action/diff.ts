import { RegistryError } from "../core/errors.ts";
import { containsCommit, gitChanges } from "../core/gate/changes.ts";
import type { FileChange } from "../core/governance/governance.types.ts";
import type { GitHubApi } from "./github.ts";

/** GitHub's pull-request file listing stops at this many files. */
export const API_FILES_CAP = 3000;

/** The changed-file list could not be read whole: the gate fails rather than judge part of a PR. */
export class ChangesIncompleteError extends RegistryError<"CHANGES_INCOMPLETE"> {
  constructor(message: string) {
    super("CHANGES_INCOMPLETE", message);
    this.name = "ChangesIncompleteError";
  }
}

/** REST API file statuses mapped to ours; a rename is a delete of the old path plus an add. */
export function apiChanges(
  files: { filename: string; status: string; previous_filename?: string }[],
): FileChange[] {
  const changes: FileChange[] = [];
  for (const file of files) {
    if (file.status === "added" || file.status === "copied")
      changes.push({ status: "added", path: file.filename });
    else if (file.status === "removed") changes.push({ status: "deleted", path: file.filename });
    else if (file.status === "renamed") {
      if (file.previous_filename) changes.push({ status: "deleted", path: file.previous_filename });
      changes.push({ status: "added", path: file.filename });
    } else changes.push({ status: "modified", path: file.filename });
  }
  return changes;
}

/**
 * The PR's file list from the REST API, or an error: never a part of it. The listing is of the
 * PR's current head, so the head must be the event's before and after listing; it stops at 3,000
 * files, so a PR with that many is refused; and it must hold exactly `changed_files` distinct
 * files, so a page lost or cut short fails the gate instead of hiding a change.
 */
async function apiFileList(api: GitHubApi, prNumber: number, headSha: string): Promise<FileChange[]> {
  const moved = (sha: string) =>
    new ChangesIncompleteError(
      `The pull request's head is ${sha.slice(0, 12)}, not ${headSha.slice(0, 12)}: its file list belongs to another commit. The gate runs again for the new head.`,
    );
  const before = await api.pullRequest(prNumber);
  if (before.headSha !== headSha) throw moved(before.headSha);
  if (before.changedFiles >= API_FILES_CAP)
    throw new ChangesIncompleteError(
      `The pull request changes ${before.changedFiles} files; GitHub lists at most ${API_FILES_CAP}. Check out with fetch-depth: 0 so the gate diffs the commits itself.`,
    );
  const files = await api.listPullRequestFiles(prNumber);
  const distinct = new Set(files.map((f) => f.filename)).size;
  if (files.length !== before.changedFiles || distinct !== files.length)
    throw new ChangesIncompleteError(
      `GitHub listed ${distinct} distinct files of ${before.changedFiles} changed: the list is incomplete. Re-run the gate, or check out with fetch-depth: 0.`,
    );
  const after = await api.pullRequest(prNumber);
  if (after.headSha !== headSha) throw moved(after.headSha);
  return apiChanges(files);
}

/**
 * The PR's changes from git when both commits are present (`local`), else from the REST API's file list
 * (a shallow checkout), and whether the head contains the base (git, else the compare API).
 * Returns where the list came from, for the job log.
 */
export async function pullRequestChanges(
  cwd: string,
  baseSha: string,
  headSha: string,
  api: GitHubApi | undefined,
  prNumber: number,
  local: boolean,
): Promise<{ changes: FileChange[]; from: "git" | "api"; baseInHead: boolean }> {
  if (local) {
    const [changes, baseInHead] = await Promise.all([
      gitChanges(cwd, baseSha, headSha),
      containsCommit(cwd, baseSha, headSha),
    ]);
    return { changes, from: "git", baseInHead };
  }
  if (!api) {
    throw new RegistryError(
      "USAGE",
      `Commits ${baseSha.slice(0, 7)} and ${headSha.slice(0, 7)} are not in the checkout and there is no token for the API: check out with fetch-depth: 0.`,
    );
  }
  const [changes, status] = await Promise.all([
    apiFileList(api, prNumber, headSha),
    api.compareStatus(baseSha, headSha),
  ]);
  return { changes, from: "api", baseInHead: status === "ahead" || status === "identical" };
}
