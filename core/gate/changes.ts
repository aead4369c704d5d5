import type { FileChange } from "../governance/governance.types.ts";
import { git, NO_INDEX } from "../registry/git.ts";

/**
 * The files a change makes between two commits, as `git diff --name-status base...head` (the
 * merge base to the head, like GitHub's "Files changed"). Renames are reported as delete plus
 * add, so immutability sees the deleted version file.
 * `under`: only paths under that repository folder ("." or absent: every path).
 */
export async function gitChanges(
  cwd: string,
  baseSha: string,
  headSha: string,
  under?: string,
): Promise<FileChange[]> {
  // Plumbing, not `git diff`: no diff drivers, textconv filters or external diff from config or
  // the PR's .gitattributes; --merge-base compares the head with the merge base like base...head.
  const out = await git(
    cwd,
    [
      "diff-tree",
      "-r",
      "-z",
      "--name-status",
      "--no-renames",
      "--merge-base",
      baseSha,
      headSha,
      ...(under !== undefined && under !== "." ? ["--", `:(literal)${under}/`] : []),
    ],
    { env: NO_INDEX },
  );
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

/**
 * True when `ancestor` is `head` or one of its ancestors (`git merge-base --is-ancestor`), so the
 * head is what merging it into `ancestor`'s branch makes. Needs the history between them (a
 * shallow clone that cuts it answers false, and the gate fails closed).
 */
export async function containsCommit(cwd: string, ancestor: string, head: string): Promise<boolean> {
  try {
    await git(cwd, ["merge-base", "--is-ancestor", ancestor, head]);
    return true;
  } catch (error) {
    if ((error as { cause?: { code?: unknown } }).cause?.code === 1) return false;
    throw error;
  }
}
