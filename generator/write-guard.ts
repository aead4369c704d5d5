/**
 * What the writer (write-fs.ts, write-thread.ts) may write, rename or delete through below the
 * output folder: real folders and regular files only, never a symbolic link or a special file. A
 * link planted at `api/v1`, `feeds` or a plugin's folder would otherwise carry the writes, and the
 * deletion of stale files, outside the output folder; a planted file link (or a hard link) would
 * have its target overwritten.
 *
 * Each folder between the output folder (resolved once with realpath by the caller: it may be a
 * link the user chose) and a file is checked the first time it is met and remembered as checked:
 * one mkdir (a new folder) or one mkdir and one lstat (an existing one) per folder, nothing more per
 * file. A file is created with `O_CREAT | O_EXCL`, which never follows a link; one already there is
 * unlinked first (after an lstat says it is a regular file), so the bytes of another name of its
 * inode (a hard link) are never changed. A link swapped in by a process running beside the build,
 * between the check and the write, is not guarded against: such a process can write the output
 * folder itself.
 */
import {
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  rmdirSync,
  type Stats,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, sep } from "node:path";
import { RegistryError } from "../core/errors.ts";
import { kindOf, unsafeOutput } from "../core/unsafe-output.ts";

/** Throws unless `path` is `expected` (the lstat of it, not of what a link points to). */
function expect(path: string, stats: Stats, expected: "a folder" | "a file"): void {
  const ok = expected === "a folder" ? stats.isDirectory() : stats.isFile();
  if (!ok) throw unsafeOutput(path, kindOf(stats), expected);
}

/** The folders below one output folder that were found or made real (see the module comment). */
export class OutputFolders {
  readonly #root: string;
  readonly #real = new Set<string>();

  /** `root`: the output folder's realpath, trusted as it is. */
  constructor(root: string) {
    this.#root = root;
  }

  /** Creates `dir` (absolute, below the root) and the folders above it as needed; throws at a link. */
  make(dir: string): void {
    if (this.#real.has(dir) || dir === this.#root) return;
    this.#below(dir);
    this.make(dirname(dir));
    try {
      mkdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      expect(dir, lstatSync(dir), "a folder");
    }
    this.#real.add(dir);
  }

  /** Whether `dir` and every folder above it exist (as real folders); throws at a link. */
  find(dir: string): boolean {
    if (this.#real.has(dir) || dir === this.#root) return true;
    this.#below(dir);
    if (!this.find(dirname(dir))) return false;
    let stats: Stats;
    try {
      stats = lstatSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
    expect(dir, stats, "a folder");
    this.#real.add(dir);
    return true;
  }

  /** Removes the empty folder `dir` (found before); false when it is not empty or not there. */
  prune(dir: string): boolean {
    try {
      rmdirSync(dir);
    } catch {
      return false;
    }
    this.#real.delete(dir);
    return true;
  }

  /** A bug guard: every path the writer joins stays below the root (write-fs.ts checks each). */
  #below(dir: string): void {
    if (!dir.startsWith(`${this.#root}${sep}`))
      throw new RegistryError("UNSAFE_OUTPUT_PATH", `refusing to write outside the output folder: ${dir}`);
  }
}

/**
 * Writes `bytes` (or each of its pieces, in order) to a new file at `target`, whose folder was made
 * or found by an `OutputFolders`: never through a link, never into an inode another name shares
 * (see the module comment).
 */
export function createFile(
  target: string,
  bytes: string | Uint8Array | readonly (string | Uint8Array)[],
): void {
  let fd: number;
  try {
    fd = openSync(target, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    expect(target, lstatSync(target), "a file");
    unlinkSync(target);
    fd = openSync(target, "wx");
  }
  try {
    // Each piece written whole where the one before ended.
    if (typeof bytes === "string" || bytes instanceof Uint8Array) writeFileSync(fd, bytes);
    else for (const piece of bytes) writeFileSync(fd, piece);
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether a file is at `target` (whose folder was found by an `OutputFolders`); throws unless it is
 * a regular file (an lstat: a link is not one).
 */
export function fileThere(target: string): boolean {
  let stats: Stats;
  try {
    stats = lstatSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
  expect(target, stats, "a file");
  return true;
}

/** Deletes the file at `target` if it is there, whose folder was found by an `OutputFolders`; an unlink never follows a link. */
export function removeFile(target: string): boolean {
  try {
    unlinkSync(target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
