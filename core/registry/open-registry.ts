import path from "node:path";
import { RegistryError } from "../errors.ts";
import { git } from "./git.ts";
import { gitBatch } from "./git-batch.ts";
import { fsSource } from "./registry-fs.ts";
import { gitSource } from "./registry-git.ts";
import type { RegistrySource } from "./source.types.ts";

/** How to read a registry folder: a commit of the git repository it lives in, or its files. */
export interface OpenOptions {
  /** The commit to read when the folder is inside a git work tree (default `HEAD`). */
  rev?: string;
  /** Read the files on disk even inside a git work tree (uncommitted edits, local previews). */
  worktree?: boolean;
  /** How to name the registry in messages (default: the folder as given). */
  display?: string;
}

/** An opened registry; `close` ends the git process, if one was started. */
export interface OpenedRegistry {
  source: RegistrySource;
  /** The commit read; undefined when the files on disk are read. */
  commit?: string;
  /** The repository's top folder and the registry's path in it, when read from git. */
  repository?: { top: string; path: string };
  /**
   * Whether the repository is shallow (its history cut short), when read from git and git says
   * (asked with the same `git rev-parse` that finds the repository: one process fewer).
   */
  shallow?: boolean;
  /**
   * The same registry folder in another commit of the repository (read through the same git
   * process), when read from git; undefined when that commit has no such folder.
   */
  at?(commit: string): Promise<RegistrySource | undefined>;
  close(): void;
}

/** Thrown when a registry cannot be opened as asked (a usage problem, not a finding). */
export class OpenRegistryError extends RegistryError<
  "REGISTRY_NOT_IN_COMMIT" | "NOT_A_GIT_WORK_TREE" | "UNKNOWN_REVISION"
> {
  constructor(code: "REGISTRY_NOT_IN_COMMIT" | "NOT_A_GIT_WORK_TREE" | "UNKNOWN_REVISION", message: string) {
    super(code, message);
    this.name = "OpenRegistryError";
  }
}

/**
 * The repository top folder, the folder's path inside it and whether the repository is shallow
 * (undefined when git cannot say: a git before 2.15 echoes the option it does not know);
 * undefined outside a git work tree.
 */
async function locate(dir: string): Promise<{ top: string; path: string; shallow?: boolean } | undefined> {
  try {
    const out = (
      await git(dir, ["rev-parse", "--show-toplevel", "--show-prefix", "--is-shallow-repository"])
    ).toString("utf8");
    const [top = "", prefix = "", cut = ""] = out.split("\n");
    if (top === "") return undefined;
    const path = prefix.replace(/\/+$/, "") || ".";
    return cut === "true" || cut === "false" ? { top, path, shallow: cut === "true" } : { top, path };
  } catch {
    return undefined;
  }
}

/**
 * Opens the registry at `dir` the one way every stage reads it (issue: one view of the registry):
 * inside a git work tree, the git objects of one commit (`rev`, default HEAD), never the working
 * tree, so what is validated is what `build` publishes and what the gate approved. A folder outside
 * git, or `worktree: true`, is read from disk with the same refusals (see fsSource).
 */
export async function openRegistry(dir: string, options: OpenOptions = {}): Promise<OpenedRegistry> {
  const display = options.display ?? dir;
  const where = options.worktree ? undefined : await locate(path.resolve(dir));
  if (!where) {
    if (options.rev !== undefined && !options.worktree)
      throw new OpenRegistryError(
        "NOT_A_GIT_WORK_TREE",
        `${display} is not inside a git work tree, so there is no revision ${options.rev} to read: drop --rev to read its files`,
      );
    return { source: fsSource(dir, display), close: () => {} };
  }
  const reader = gitBatch(where.top);
  try {
    const rev = options.rev ?? "HEAD";
    const commit = await reader.commit(rev);
    if (!commit)
      throw new OpenRegistryError(
        "UNKNOWN_REVISION",
        `${rev} names no commit in the repository of ${display}`,
      );
    if (!(await reader.treeAt(commit, where.path === "." ? "" : where.path)))
      throw new OpenRegistryError(
        "REGISTRY_NOT_IN_COMMIT",
        `${display} is not a folder in commit ${commit.slice(0, 12)} (${rev}): commit it, or pass --worktree to read the files on disk`,
      );
    return {
      source: gitSource(reader, commit, where.path, `${display}@${commit.slice(0, 12)}`, {
        kind: "git",
        repository: where.top,
        commit,
        path: where.path,
      }),
      commit,
      repository: { top: where.top, path: where.path },
      ...(where.shallow !== undefined ? { shallow: where.shallow } : {}),
      at: async (other) =>
        (await reader.treeAt(other, where.path === "." ? "" : where.path))
          ? gitSource(reader, other, where.path, `${display}@${other.slice(0, 12)}`)
          : undefined,
      close: () => reader.close(),
    };
  } catch (error) {
    reader.close();
    throw error;
  }
}
