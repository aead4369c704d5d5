import { type GitObjectReader, type GitTree, listedTree } from "../core/registry/git-objects.types.ts";
import type { GitHubApi } from "./github.ts";

/**
 * The repository's git objects over GitHub's git database API (commits, trees, blobs by id): the
 * fallback when a shallow checkout lacks the PR's commits. The same git RegistrySource runs over
 * it as over `git cat-file`, so modes are seen as they are (a symbolic link or submodule is never
 * read as a file, unlike the contents API, which follows links and lists submodules as files).
 */
export function apiGitObjects(api: GitHubApi): GitObjectReader {
  const trees = new Map<string, Promise<GitTree | undefined>>();
  const tree = (oid: string): Promise<GitTree | undefined> => {
    let pending = trees.get(oid);
    if (!pending) {
      pending = api.tree(oid).then((list) => list && listedTree(list));
      trees.set(oid, pending);
    }
    return pending;
  };
  return {
    async treeAt(commit, path) {
      let oid = await api.commitTree(commit);
      for (const name of path === "" ? [] : path.split("/")) {
        if (oid === undefined) return undefined;
        const entry = (await tree(oid))?.find(name);
        oid = entry?.kind === "tree" ? entry.oid : undefined;
      }
      return oid;
    },
    tree,
    blob: (oid) => api.blob(oid),
  };
}
