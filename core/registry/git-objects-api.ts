import { type GitObjectReader, type GitTree, type GitTreeEntry, listedTree } from "./git-objects.types.ts";

/** The three calls of GitHub's git database API the git RegistrySource needs (ids in, objects out). */
export interface GitDatabaseApi {
  /** The tree id of a commit, undefined when there is no such commit. */
  commitTree(sha: string): Promise<string | undefined>;
  /** A tree's entries with kinds from their modes; throws when GitHub truncated the listing. */
  tree(sha: string): Promise<GitTreeEntry[] | undefined>;
  /** A blob's bytes, undefined when there is no such blob. */
  blob(sha: string): Promise<Uint8Array | undefined>;
}

/**
 * A repository's git objects over GitHub's git database API (commits, trees, blobs by id): the
 * gate's fallback when a shallow checkout lacks the PR's commits, and how the release Action reads
 * the registry it proposes to. The same git RegistrySource runs over it as over `git cat-file`, so
 * modes are seen as they are (a symbolic link or submodule is never read as a file, unlike the
 * contents API, which follows links and lists submodules as files).
 */
export function apiGitObjects(api: GitDatabaseApi): GitObjectReader {
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
