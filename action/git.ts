import { execFile } from "node:child_process";
import { RegistryError } from "../core/errors.ts";

/** Thrown when git fails for a reason other than "no such object". */
export class GitError extends RegistryError<"GIT_FAILED"> {
  constructor(message: string, options?: { cause?: unknown }) {
    super("GIT_FAILED", message, options);
    this.name = "GitError";
  }
}

/**
 * Runs git with arguments (never a shell), in `cwd`, and returns stdout as bytes. Hooks, the
 * PR's .gitattributes filters and external diff drivers are not involved: the commands used
 * (`diff --name-status`, `ls-tree`, `cat-file`) read the object database only.
 */
export function git(cwd: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      ["-c", "core.quotePath=false", "--no-pager", ...args],
      {
        cwd,
        encoding: "buffer",
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new GitError(`git ${args.join(" ")} failed: ${stderr.toString("utf8").trim()}`, { cause: error }),
          );
        } else {
          resolve(stdout);
        }
      },
    );
  });
}
