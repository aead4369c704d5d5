import type { EntryKind } from "./source.types.ts";

/** One entry of a git tree object, as git stores it: the mode decides the kind. */
export interface GitTreeEntry {
  name: string;
  kind: EntryKind;
  /** The object id (hex) of the blob, tree or submodule commit. */
  oid: string;
}

/** A tree object: one entry found by name, or all of them (in the tree's order). */
export interface GitTree {
  /** The first entry named `name` (a well-formed tree has one). */
  find(name: string): GitTreeEntry | undefined;
  entries(): GitTreeEntry[];
}

/** A GitTree over parsed entries (the first of duplicate names wins, as in `find` over bytes). */
export function listedTree(list: readonly GitTreeEntry[]): GitTree {
  const byName = new Map<string, GitTreeEntry>();
  for (const e of list) if (!byName.has(e.name)) byName.set(e.name, e);
  return { find: (name) => byName.get(name), entries: () => [...list] };
}

/**
 * Reads a repository's objects by id: the port behind the git RegistrySource. Implemented over
 * `git cat-file --batch` (core/registry/git-batch.ts) and over GitHub's git database REST API
 * (the gate's fallback for shallow checkouts). Nothing is checked out: attributes, filters,
 * hooks and symbolic links never apply.
 */
export interface GitObjectReader {
  /** The id of the tree at `path` ("" is the root) of `commit`; undefined when that is not a tree. */
  treeAt(commit: string, path: string): Promise<string | undefined>;
  /** A tree object, undefined when there is no such tree. */
  tree(oid: string): Promise<GitTree | undefined>;
  /** The bytes of a blob object, undefined when there is no such blob. */
  blob(oid: string): Promise<Uint8Array | undefined>;
}

/** A git mode as an entry kind. 100664 is a pre-2006 spelling of a regular file. */
export function kindOfMode(mode: string): EntryKind {
  switch (mode.replace(/^0+/, "")) {
    case "100644":
    case "100664":
      return "file";
    case "100755":
      return "executable";
    case "120000":
      return "symlink";
    case "160000":
      return "gitlink";
    case "40000":
      return "tree";
    default:
      return "other";
  }
}
