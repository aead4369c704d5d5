/**
 * What an entry of a registry folder is. `file` is a regular file (git mode 100644); an
 * `executable` file (100755), a `symlink` (120000), a `gitlink` (160000, a submodule) and `other`
 * (a FIFO, socket or device on disk) are never where the layout expects a file. Sources report
 * kinds without following anything: a symbolic link is a symlink, whatever it points at.
 */
export type EntryKind = "file" | "executable" | "symlink" | "gitlink" | "tree" | "other";

/** What the file system says of a regular file or a folder, as `RegistrySource.stamp` gives it (file-stamps.ts). */
export interface FileStamp {
  /**
   * Device, inode, size, mtime and ctime (ns), as text, on disk; `git:`, the kind and the object
   * id in a commit; a folder's starts with `d`.
   */
  stamp: string;
  /** The later of its mtime and ctime, in nanoseconds since the epoch (0 in a commit). */
  changedNs: bigint;
}

/** One entry of a folder listing. */
export interface SourceEntry {
  name: string;
  kind: EntryKind;
}

/** A source another thread can open again: a folder, or a registry path in one commit. */
export type SourceLocation =
  | { kind: "fs"; dir: string }
  | { kind: "git"; repository: string; commit: string; path: string };

/**
 * Where a registry's files come from: a commit of a git repository, a folder, an in-memory map in
 * tests. Paths are relative to the registry root and use `/`. No source follows a symbolic link.
 */
export interface RegistrySource {
  /** How to name the registry in messages, e.g. "registry" or "registry@abc1234". */
  readonly root: string;
  /** The folder on disk, for sources that are one. */
  readonly dir?: string;
  /** How another thread opens the same source (lets validation use worker threads). */
  readonly location?: SourceLocation;
  /** The commit read, for sources over git. */
  readonly commit?: string;
  /**
   * The bytes of a file, or undefined when there is no file at `path`: a missing path, a folder,
   * a symbolic link, a submodule, or a path through one of those all read as missing. A source
   * with `stamp` calls `stamped` with the file's stamp as the opened file gives it before it is
   * read (the same stamp `stamp` gives, one system call fewer than a stat and then a read).
   */
  readFile(path: string, stamped?: (stamp: FileStamp) => void): Promise<Uint8Array | undefined>;
  /** Names of the entries directly in `dir`, sorted; [] when it is not a folder. */
  list(dir: string): Promise<string[]>;
  /**
   * The entries directly in `dir` with their kinds, sorted by name; undefined when `dir` is not
   * a folder ("" is the registry root).
   */
  entries(dir: string): Promise<SourceEntry[] | undefined>;
  /** The kind of the entry at `path` ("" is the registry root), undefined when there is none. */
  kind(path: string): Promise<EntryKind | undefined>;
  /**
   * The stamp of the regular file or folder at `path` (file-stamps.ts): what the file system says
   * of it for a folder on disk, its object id for a commit; undefined when it is neither, or is
   * reached through a symbolic link.
   */
  stamp?(path: string): Promise<FileStamp | undefined>;
}
