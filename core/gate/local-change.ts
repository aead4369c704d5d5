import { git } from "../registry/git.ts";
import { type GitBatch, gitBatch } from "../registry/git-batch.ts";
import { OpenRegistryError } from "../registry/open-registry.ts";
import { gitSource } from "../registry/registry-git.ts";
import { containsCommit, gitChanges } from "./changes.ts";
import type { GateChange } from "./gate.types.ts";

/** Two commits of a local repository, opened for the gate; `close` ends the git process. */
export interface LocalChange {
  change: GateChange;
  baseSha: string;
  /** The repository's top folder. */
  top: string;
  close(): void;
}

async function resolve(reader: GitBatch, rev: string, option: string): Promise<string> {
  const sha = await reader.commit(rev);
  if (!sha)
    throw new OpenRegistryError(
      "UNKNOWN_REVISION",
      `${option} ${rev} names no commit in this repository (fetch it, or name a branch, tag or commit id)`,
    );
  return sha;
}

/**
 * Reads a change between two commits of the local repository that holds `dir`, exactly as the
 * Action's pull-request mode reads a checkout with both commits: the git objects of base and head
 * (never the working tree), the files changed from their merge base to the head, and whether the
 * head contains the base.
 */
export async function openLocalChange(
  dir: string,
  refs: { base: string; head: string; registryPath: string; author?: { id: number; login: string } },
): Promise<LocalChange> {
  let top: string;
  try {
    top = (await git(dir, ["rev-parse", "--show-toplevel"])).toString("utf8").trim();
  } catch {
    throw new OpenRegistryError(
      "NOT_A_GIT_WORK_TREE",
      `${dir} is not inside a git work tree: run gate in a clone of the registry repository`,
    );
  }
  const reader = gitBatch(top);
  try {
    const baseSha = await resolve(reader, refs.base, "--base");
    const headSha = await resolve(reader, refs.head, "--head");
    const change: GateChange = {
      base: gitSource(reader, baseSha, refs.registryPath),
      head: gitSource(reader, headSha, refs.registryPath),
      headSha,
      changes: await gitChanges(top, baseSha, headSha),
      changesFrom: "git",
      baseInHead: await containsCommit(top, baseSha, headSha),
      ...(refs.author ? { author: refs.author } : {}),
    };
    return { change, baseSha, top, close: () => reader.close() };
  } catch (error) {
    reader.close();
    throw error;
  }
}
