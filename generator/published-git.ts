/** Runs the one `git log` that dates every manifest (see published.ts). */
import { execFile } from "node:child_process";
import { GIT_LOG_ARGS, type GitDates, parseGitLog } from "./published.ts";

/**
 * Publication dates of every file under `registryDir`, or undefined when it is not inside a git
 * work tree (or git is missing): the caller then falls back to the manifests' own dates.
 */
export function readGitDates(registryDir: string): Promise<GitDates | undefined> {
  return new Promise((resolve) => {
    execFile(
      "git",
      [...GIT_LOG_ARGS],
      {
        cwd: registryDir,
        maxBuffer: 1024 * 1024 * 1024,
        encoding: "utf8",
        env: { ...process.env, GIT_PAGER: "cat" },
      },
      (error, stdout) => resolve(error ? undefined : parseGitLog(stdout)),
    );
  });
}
