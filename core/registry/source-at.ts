import { gitBatch } from "./git-batch.ts";
import { fsSource } from "./registry-fs.ts";
import { gitSource } from "./registry-git.ts";
import type { RegistrySource, SourceLocation } from "./source.types.ts";

/**
 * The source a worker thread opens at `location` (a folder, or a commit of a git repository). A
 * git source gets its own `git cat-file` process, which ends with the thread.
 */
export function sourceAt(location: SourceLocation): RegistrySource {
  return location.kind === "fs"
    ? fsSource(location.dir)
    : gitSource(gitBatch(location.repository), location.commit, location.path);
}
