import type { EntryKind } from "./source.types.ts";

/** One entry of a git tree object, as git stores it: the mode decides the kind. */
export interface GitTreeEntry {
  name: string;
  kind: EntryKind;
  /** The object id (hex) of the blob, tree or submodule commit. */
  oid: string;
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
  /** The entries of a tree object, undefined when there is no such tree. */
  tree(oid: string): Promise<GitTreeEntry[] | undefined>;
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
