import { execFile } from "node:child_process";
import { RegistryError } from "../errors.ts";

/** Thrown when git fails for a reason other than "no such object". */
export class GitError extends RegistryError<"GIT_FAILED"> {
  constructor(message: string, options?: { cause?: unknown }) {
    super("GIT_FAILED", message, options);
    this.name = "GitError";
  }
}

/**
 * The environment every git process runs with: no prompt for credentials, and replace refs
 * ignored, so an object id always names the object it hashes to.
 */
export const GIT_ENV = { GIT_TERMINAL_PROMPT: "0", GIT_NO_REPLACE_OBJECTS: "1" } as const;

/**
 * An index file that cannot exist, for commands that compare commits only: `git diff-tree` reads
 * the work tree's index however it is run (75 ms for a registry of 110,000 files), and skips it
 * when GIT_INDEX_FILE names no file.
 */
export const NO_INDEX = { GIT_INDEX_FILE: "/proc/finfocus-registry/no-index" } as const;

/**
 * Runs git with arguments (never a shell), in `cwd`, and returns stdout as bytes. Hooks,
 * .gitattributes filters and external diff drivers are not involved: the commands used
 * (`diff-tree`, `rev-parse`, `cat-file`, `log`) read the object database only.
 */
export function git(
  cwd: string,
  args: string[],
  options: { env?: Readonly<Record<string, string>> } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      ["-c", "core.quotePath=false", "--no-pager", ...args],
      {
        cwd,
        encoding: "buffer",
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, ...GIT_ENV, ...options.env },
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
