/** Runs the one `git log` that dates every manifest (see published.ts). */
import { execFile } from "node:child_process";
import { GIT_ENV, git, NO_INDEX } from "../core/registry/git.ts";
import { type GitDates, gitLogArgs, parseGitLog } from "./published.ts";

/**
 * Publication dates of every file under the registry, from the history of `rev`: run in `cwd`
 * with the registry at `path` relative to it (default: the registry folder itself, at HEAD).
 * Undefined when `cwd` is not inside a git work tree (or git is missing): the caller then falls
 * back to the manifests' own dates.
 */
export function readGitDates(cwd: string, rev = "HEAD", path = "."): Promise<GitDates | undefined> {
  if (rev.startsWith("-")) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    execFile(
      "git",
      gitLogArgs(rev, path),
      {
        cwd,
        maxBuffer: 1024 * 1024 * 1024,
        encoding: "utf8",
        env: { ...process.env, ...GIT_ENV, GIT_PAGER: "cat" },
      },
      (error, stdout) => resolve(error ? undefined : parseGitLog(stdout)),
    );
  });
}

/**
 * True when `head` descends from `base` (another commit) and the dates of `git log head` are those
 * of `git log base` extended by those of `git log base..head` (what a rebuild from a commit relies
 * on, build-commit.ts, which first asks that the repository is not shallow): there is at least
 * one commit between, every one descends from `base` with no parent outside them but `base` (no
 * merge of an older line, whose history git may follow instead of `base`'s; a head that does not
 * descend from `base` has one), and no commit is dated before one of its parents (so every commit
 * between comes before `base`'s history in git's walk, which goes by date). Otherwise the caller
 * reads the whole history.
 */
export async function extendsHistory(cwd: string, base: string, head: string): Promise<boolean> {
  try {
    const log = await git(cwd, ["log", "--boundary", "--format=%m %H %ct %P", `${base}..${head}`], {
      env: NO_INDEX,
    });
    const time = new Map<string, number>();
    const parents = new Map<string, string[]>();
    for (const line of log.toString("utf8").split("\n")) {
      if (line === "") continue;
      const [mark, sha, at, ...rest] = line.split(" ");
      if (sha === undefined || at === undefined) return false;
      if (mark === "-") {
        // The only boundary is `base` itself.
        if (sha !== base) return false;
        time.set(sha, Number(at));
        continue;
      }
      time.set(sha, Number(at));
      parents.set(sha, rest);
    }
    // No commit between: `head` is `base` or one of its ancestors, not a descendant.
    if (parents.size === 0) return false;
    for (const [sha, of] of parents)
      for (const parent of of) {
        const before = time.get(parent);
        if (before === undefined || (parent !== base && !parents.has(parent))) return false;
        if ((time.get(sha) as number) < before) return false;
      }
    return true;
  } catch {
    return false;
  }
}
