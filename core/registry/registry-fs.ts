import {
  type BigIntStats,
  closeSync,
  constants,
  type Dirent,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
} from "node:fs";
import path from "node:path";
import type { EntryKind, FileStamp, RegistrySource, SourceEntry } from "./source.types.ts";

/**
 * A registry path split into its segments, or undefined when it could name something outside the
 * registry or name one thing two ways (`..`, `.`, empty segments, backslashes, NUL).
 */
export function segments(rel: string): string[] | undefined {
  // The replacements only when they can match: this runs once per file stat'ed or read.
  const clean =
    rel.startsWith("./") || rel.endsWith("/") ? rel.replace(/^\.\/+/, "").replace(/\/+$/, "") : rel;
  if (clean === "" || clean === ".") return [];
  const parts = clean.split("/");
  if (parts.some((p) => p === "" || p === "." || p === ".." || p.includes("\\") || p.includes("\0")))
    return undefined;
  return parts;
}

/**
 * The kind of a directory entry, from the listing alone (no stat per file). A regular file is a
 * `file` whatever its permission bits: "executable" is a git mode, recorded in a commit; on disk
 * the bits depend on the file system and core.fileMode, and no stage publishes them.
 */
function kindOf(entry: Dirent): EntryKind {
  if (entry.isSymbolicLink()) return "symlink";
  if (entry.isDirectory()) return "tree";
  return entry.isFile() ? "file" : "other";
}

// ENAMETOOLONG: a path too long to exist, missing like any other.
const MISSING = new Set(["ENOENT", "ENOTDIR", "ELOOP", "EISDIR", "ENXIO", "ENAMETOOLONG"]);

/** What `stat` gives, or undefined when the path cannot name anything (a MISSING error). */
function missingAsUndefined<T>(stat: () => T | undefined): T | undefined {
  try {
    return stat();
  } catch (error) {
    if (MISSING.has((error as { code?: string }).code ?? "")) return undefined;
    throw error;
  }
}

/**
 * A registry in a folder on disk, read with the same refusals as a git commit: a symbolic link is
 * never followed (not as a file, not as a folder on the way to a file), FIFOs and devices are
 * never opened for reading, and paths that try to leave the folder read as missing. The folder
 * itself is the caller's choice and is taken as it is.
 *
 * Reads are synchronous under the async interface: for tens of thousands of small files that is
 * an order of magnitude faster than fs/promises (no thread-pool round trips per file).
 */
export function fsSource(dir: string, root = dir): RegistrySource {
  const base = path.resolve(dir);
  // Folders known to be real folders all the way from the root (no symlink on the way). Only what
  // is there is remembered: a folder asked about before it was made is found once it is (a source
  // that lives as long as a daemon), and names asked about that are not there leave nothing behind.
  const folders = new Map<string, true>([["", true]]);
  const isFolder = (parts: readonly string[]): boolean => {
    const rel = parts.join("/");
    if (folders.get(rel)) return true;
    const info = missingAsUndefined(() => lstatSync(path.join(base, rel), { throwIfNoEntry: false }));
    const known = info?.isDirectory() === true && isFolder(parts.slice(0, -1));
    if (known) folders.set(rel, true);
    return known;
  };
  /**
   * The path on disk of `rel`, a file or folder below the root, or undefined when `rel` could
   * leave the folder or a folder on the way is not a real folder. `${base}/${clean}` is what
   * path.join gives for clean segments, without its normalizing pass (once per file stat'ed or read).
   */
  const below = (rel: string): string | undefined => {
    const parts = segments(rel);
    if (!parts || parts.length === 0) return undefined;
    const clean = parts.length === 1 ? (parts[0] as string) : parts.join("/");
    const cut = clean.lastIndexOf("/");
    if (folders.get(cut === -1 ? "" : clean.slice(0, cut)) !== true && !isFolder(parts.slice(0, -1)))
      return undefined;
    return base === path.sep ? `${base}${clean}` : `${base}${path.sep}${clean}`;
  };
  const entries = async (rel: string): Promise<SourceEntry[] | undefined> => {
    const parts = segments(rel);
    if (!parts || !isFolder(parts)) return undefined;
    const full = path.join(base, ...parts);
    try {
      const list = readdirSync(full, { withFileTypes: true })
        .map((e) => ({ name: e.name, kind: kindOf(e) }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      // A listing tells which entries are real folders: walking down needs no stat per folder.
      // Only folders are recorded (anything else asked about is stat'ed: no entry per file).
      const prefix = parts.length === 0 ? "" : `${parts.join("/")}/`;
      for (const e of list) if (e.kind === "tree") folders.set(prefix + e.name, true);
      return list;
    } catch (error) {
      if (MISSING.has((error as { code?: string }).code ?? "")) return undefined;
      throw error;
    }
  };
  return {
    root,
    dir: base,
    location: { kind: "fs", dir: base },
    async readFile(rel, stamped) {
      const full = below(rel);
      if (full === undefined) return undefined;
      let fd: number;
      try {
        // O_NOFOLLOW: a symlink fails with ELOOP; O_NONBLOCK: a FIFO cannot hang the open.
        fd = openSync(full, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      } catch (error) {
        if (MISSING.has((error as { code?: string }).code ?? "")) return undefined;
        throw error;
      }
      try {
        if (stamped === undefined) {
          const info = fstatSync(fd);
          return info.isFile() ? readOpened(fd, info.size) : undefined;
        }
        // The stamp of what is read, taken before the read (file-stamps.ts).
        const info = fstatSync(fd, { bigint: true });
        const stamp = fileStamp(info);
        if (stamp === undefined || stamp.stamp.startsWith("d")) return undefined;
        stamped(stamp);
        return readOpened(fd, Number(info.size));
      } finally {
        closeSync(fd);
      }
    },
    list: async (rel) => (await entries(rel))?.map((e) => e.name) ?? [],
    entries,
    async stamp(rel) {
      const full = below(rel);
      if (full === undefined) return undefined;
      const info = missingAsUndefined(() => lstatSync(full, { bigint: true, throwIfNoEntry: false }));
      const stamp = info && fileStamp(info);
      // A real folder under real folders: what is below it needs no stat of it again.
      if (stamp?.stamp.startsWith("d"))
        folders.set(full.slice(base.length + (base === path.sep ? 0 : 1)), true);
      return stamp;
    },
    async kind(rel) {
      const parts = segments(rel);
      if (!parts) return undefined;
      if (parts.length === 0) return "tree";
      if (!isFolder(parts.slice(0, -1))) return undefined;
      const info = missingAsUndefined(() => lstatSync(path.join(base, ...parts), { throwIfNoEntry: false }));
      if (!info) return undefined;
      return info.isSymbolicLink()
        ? "symlink"
        : info.isDirectory()
          ? "tree"
          : info.isFile()
            ? "file"
            : "other";
    },
  };
}

/** The stamp of a regular file or a folder (file-stamps.ts): undefined for anything else. */
function fileStamp(info: BigIntStats): FileStamp | undefined {
  // The kind from the mode's bits, once: BigIntStats' isDirectory() and isFile() each make BigInts.
  const kind = Number(info.mode) & constants.S_IFMT;
  const folder = kind === constants.S_IFDIR;
  if (!folder && kind !== constants.S_IFREG) return undefined;
  const { dev, ino, size, mtimeNs, ctimeNs } = info;
  return {
    stamp: `${folder ? "d" : ""}${dev}:${ino}:${size}:${mtimeNs}:${ctimeNs}`,
    changedNs: mtimeNs > ctimeNs ? mtimeNs : ctimeNs,
  };
}

/** Files up to `SLAB_FILE` bytes are read into slices of shared slabs of `SLAB` bytes. */
const SLAB = 256 << 10;
const SLAB_FILE = 16 << 10;
let slab: SharedArrayBuffer | undefined;
let slabUsed = SLAB;

/**
 * A buffer of `size` bytes in shared memory: a slice of a slab as Buffer.allocUnsafe slices its
 * pool, or one of its own for a larger file. The registry's files are read into shared memory so
 * the generator's writer thread can write the manifests a build validated without a copy
 * (generator/write-thread.ts), as the load's threads hand theirs over (core/registry/worker-pool.ts).
 */
function sharedBytes(size: number): Buffer {
  if (size > SLAB_FILE) return Buffer.from(new SharedArrayBuffer(size));
  if (slab === undefined || slabUsed + size > SLAB) {
    slab = new SharedArrayBuffer(SLAB);
    slabUsed = 0;
  }
  const bytes = Buffer.from(slab, slabUsed, size);
  // Slices start 8-byte aligned, as the pool's do.
  slabUsed += (size + 7) & ~7;
  return bytes;
}

/**
 * The bytes of an opened regular file whose fstat gave `size`: one read into a buffer of that size
 * (readFileSync(fd) would fstat it again), as readFileSync reads a file it sized. A file that
 * reports size 0 is read to its end.
 */
function readOpened(fd: number, size: number): Uint8Array {
  if (size === 0) return readFileSync(fd);
  const bytes = sharedBytes(size);
  let filled = 0;
  while (filled < size) {
    const n = readSync(fd, bytes, filled, size - filled, null);
    if (n === 0) return bytes.subarray(0, filled);
    filled += n;
  }
  return bytes;
}

/** A registry held in memory: tests, and files a pull request adds on top of its base. */
export function memorySource(files: Record<string, string | Uint8Array>, root = "memory"): RegistrySource {
  const encoder = new TextEncoder();
  const entries = async (rel: string): Promise<SourceEntry[] | undefined> => {
    const parts = segments(rel);
    if (!parts) return undefined;
    const prefix = parts.length === 0 ? "" : `${parts.join("/")}/`;
    const found = new Map<string, EntryKind>();
    for (const key of Object.keys(files)) {
      if (!key.startsWith(prefix)) continue;
      const [name = "", ...rest] = key.slice(prefix.length).split("/");
      found.set(name, rest.length > 0 ? "tree" : "file");
    }
    if (found.size === 0 && parts.length > 0) return undefined;
    return [...found].map(([name, kind]) => ({ name, kind })).sort((a, b) => (a.name < b.name ? -1 : 1));
  };
  return {
    root,
    async readFile(rel) {
      const value = files[rel];
      return typeof value === "string" ? encoder.encode(value) : value;
    },
    list: async (rel) => (await entries(rel))?.map((e) => e.name) ?? [],
    entries,
    async kind(rel) {
      const parts = segments(rel);
      if (!parts) return undefined;
      if (Object.hasOwn(files, parts.join("/"))) return "file";
      return (await entries(rel)) ? "tree" : undefined;
    },
  };
}
