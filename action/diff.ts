import { RegistryError } from "../core/errors.ts";
import type { FileChange } from "../core/governance/governance.types.ts";
import { git } from "./git.ts";
import type { GitHubApi } from "./github.ts";

/**
 * The files a pull request changes, as `git diff --name-status base...head` (the merge base to
 * the head, like GitHub's "Files changed"). Renames are reported as delete plus add, so
 * immutability sees the deleted version file.
 */
export async function gitChanges(cwd: string, baseSha: string, headSha: string): Promise<FileChange[]> {
  // Plumbing, not `git diff`: no diff drivers, textconv filters or external diff from config or
  // the PR's .gitattributes; --merge-base compares the head with the merge base like base...head.
  const out = await git(cwd, [
    "diff-tree",
    "-r",
    "-z",
    "--name-status",
    "--no-renames",
    "--merge-base",
    baseSha,
    headSha,
  ]);
  const parts = out.toString("utf8").split("\0");
  const changes: FileChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const status = parts[i]!;
    const path = parts[i + 1]!;
    if (status.startsWith("A")) changes.push({ status: "added", path });
    else if (status.startsWith("D")) changes.push({ status: "deleted", path });
    else changes.push({ status: "modified", path });
  }
  return changes;
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
 * The PR's changes from git when both commits are present (`local`), else from the REST API's file list
 * (a shallow checkout). Returns where the list came from, for the job log.
 */
export async function pullRequestChanges(
  cwd: string,
  baseSha: string,
  headSha: string,
  api: GitHubApi | undefined,
  prNumber: number,
  local: boolean,
): Promise<{ changes: FileChange[]; from: "git" | "api" }> {
  if (local) {
    return { changes: await gitChanges(cwd, baseSha, headSha), from: "git" };
  }
  if (!api) {
    throw new RegistryError(
      "USAGE",
      `Commits ${baseSha.slice(0, 7)} and ${headSha.slice(0, 7)} are not in the checkout and there is no token for the API: check out with fetch-depth: 0.`,
    );
  }
  return { changes: apiChanges(await api.listPullRequestFiles(prNumber)), from: "api" };
}
