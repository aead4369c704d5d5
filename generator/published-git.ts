/** Runs the one `git log` that dates every manifest (see published.ts). */
import { execFile } from "node:child_process";
import { GIT_ENV } from "../core/registry/git.ts";
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
