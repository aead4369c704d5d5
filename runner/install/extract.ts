import { link, mkdir, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { posix, resolve, sep } from "node:path";
import {
  type ArchiveEntry,
  ArchiveError,
  type ArchiveFormat,
  DEFAULT_EXTRACT_LIMITS,
  detectFormat,
  type ExtractLimits,
  readTarEntries,
  readZipEntries,
} from "../../core/archive/archive-entries.ts";
import { unwrapped, wrappingFolder } from "../../core/finfocus/archive-layout.ts";
import { RunnerError } from "../errors.ts";

export interface ExtractResult {
  format: ArchiveFormat;
  /** Relative paths of the regular files written, in archive order. */
  files: string[];
  /** The folder that wrapped every member, left out so the binary lands at the root (core/finfocus/archive-layout.ts). */
  unwrapped?: string;
}

function refuse(entry: string, why: string): RunnerError {
  return new RunnerError("EXTRACTION_FAILED", `Archive entry ${JSON.stringify(entry)} refused: ${why}`, {
    entry,
    reason: why,
  });
}

/**
 * An archive name made safe, or a refusal: no absolute paths, drive letters, backslashes, NUL or
 * `..` segments (SECURITY.md I1). "./a//b/" becomes "a/b"; "" means the root itself.
 */
export function safeRelativePath(name: string): string {
  if (name.includes("\0")) throw refuse(name, "NUL in name");
  if (name.includes("\\")) throw refuse(name, "backslash in name");
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) throw refuse(name, "absolute path");
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw refuse(name, "path traversal (..)");
  const joined = parts.join("/");
  if (joined.length > 1024) throw refuse(name.slice(0, 64), "name too long");
  return joined;
}

/** File modes as installed: at most 0755, never setuid/setgid/sticky or group/world-writable (I5). */
export function safeMode(mode: number): number {
  return mode & 0o111 ? 0o755 : 0o644;
}

/**
 * Extracts `bytes` (the exact bytes that were hashed and verified, held in memory: I6) into the
 * empty private directory `root`. Entries are all read and checked before any is written, symlinks
 * are created last and may neither leave the root nor pass through another symlink (I2), hard
 * links stay hard links to an earlier file of the same archive (so a thousand links to one large
 * file cost one file's bytes, not a thousand copies), devices and FIFOs are refused, modes are
 * capped (I5), and the entry count and every byte written are bounded (I4) before the first write.
 * A refusal, at any step, leaves `root` empty. A plain binary is written as `binaryName`, mode 0755.
 */
export async function extractArtifact(
  bytes: Uint8Array,
  nameHint: string,
  root: string,
  binaryName: string,
  limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS,
  /** False for a container image's layers: a layer is a root filesystem, never wrapped. */
  options: { unwrap?: boolean } = {},
): Promise<ExtractResult> {
  const format = asRunnerError(() => detectFormat(bytes, nameHint));
  if (format === "binary") {
    if (bytes.byteLength > limits.maxTotalBytes) throw refuse(binaryName, "larger than the size limit");
    await writeFile(resolve(root, safeRelativePath(binaryName)), bytes, { flag: "wx", mode: 0o755 });
    return { format, files: [binaryName] };
  }
  const entries = await asRunnerError(() =>
    format === "zip" ? readZipEntries(bytes, limits) : readTarEntries(bytes, limits),
  );
  // Names are checked first: unwrapping must never turn a refused name into an accepted one.
  for (const entry of entries) safeRelativePath(entry.path);
  const folder = options.unwrap === false ? undefined : wrappingFolder(entries);
  const plan = planEntries(folder === undefined ? entries : unwrap(entries, folder));
  if (plan.bytes > limits.maxTotalBytes) throw refuse(nameHint, "writes more than the size limit");
  try {
    await writePlan(root, plan);
  } catch (error) {
    await emptyFolder(root);
    if (error instanceof RunnerError) throw error;
    throw new RunnerError(
      "EXTRACTION_FAILED",
      `Writing the archive failed: ${(error as Error).message}`,
      {},
      { cause: error },
    );
  }
  return {
    format,
    files: plan.files.map((f) => f.path),
    ...(folder !== undefined ? { unwrapped: folder } : {}),
  };
}

/** The members without their wrapping folder: hard-link sources move with them; symlinks are relative. */
function unwrap(entries: ArchiveEntry[], folder: string): ArchiveEntry[] {
  return entries.map((entry) => ({
    ...entry,
    path: unwrapped(entry.path, folder),
    ...(entry.kind === "hardlink" && entry.linkpath !== undefined
      ? { linkpath: unwrapped(entry.linkpath, folder) }
      : {}),
  }));
}

/** Core's archive refusals as the runner's errors (same code, message and details). */
function asRunnerError<T>(read: () => T): T {
  const convert = (error: unknown): never => {
    if (error instanceof ArchiveError)
      throw new RunnerError(error.code, error.message, error.details, { cause: error });
    throw error;
  };
  try {
    const value = read();
    return (value instanceof Promise ? value.catch(convert) : value) as T;
  } catch (error) {
    return convert(error);
  }
}

/** Removes what a failed extraction wrote: `root` was given empty and private. */
async function emptyFolder(root: string): Promise<void> {
  for (const name of await readdir(root).catch(() => [] as string[]))
    await rm(resolve(root, name), { recursive: true, force: true });
}

async function writePlan(root: string, plan: Plan): Promise<void> {
  for (const dir of plan.directories) await mkdir(inside(root, dir), { recursive: true, mode: 0o755 });
  for (const file of plan.files) {
    const target = inside(root, file.path);
    await mkdir(posix.dirname(target), { recursive: true, mode: 0o755 });
    // "wx": O_CREAT|O_EXCL never follows or reuses an existing path (a duplicate entry fails).
    await writeFile(target, file.data, { flag: "wx", mode: file.mode });
  }
  for (const hard of plan.hardlinks) {
    const target = inside(root, hard.path);
    await mkdir(posix.dirname(target), { recursive: true, mode: 0o755 });
    await link(inside(root, hard.source), target);
  }
  for (const link of plan.symlinks) {
    const target = inside(root, link.path);
    await mkdir(posix.dirname(target), { recursive: true, mode: 0o755 });
    await symlink(link.linkpath, target);
  }
}

function inside(root: string, rel: string): string {
  const abs = resolve(root, rel);
  if (abs !== root && !abs.startsWith(root + sep)) throw refuse(rel, "outside the staging folder");
  return abs;
}

interface Plan {
  directories: string[];
  files: { path: string; data: Uint8Array; mode: number }[];
  /** Hard links to a file of `files` (its mode applies: they share one inode). */
  hardlinks: { path: string; source: string }[];
  symlinks: { path: string; linkpath: string }[];
  /** Every byte the plan writes: file contents and link targets. */
  bytes: number;
}

/** One name in the archive's tree: what the plan puts there, and what lies beneath. */
interface TreeNode {
  kind: "directory" | "file" | "symlink";
  children: Map<string, TreeNode>;
}

/**
 * The archive's names as a tree of segments, so each check costs the length of one name (not its
 * square): nothing may be written through a symbolic link or inside a file, and no name may be
 * both a file and a folder or appear twice.
 */
class PathTree {
  readonly root: TreeNode = { kind: "directory", children: new Map() };

  add(rel: string, kind: TreeNode["kind"], shown: string): void {
    const parts = rel.split("/");
    let node = this.root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      let child = node.children.get(part);
      const last = i === parts.length - 1;
      if (child && !last && child.kind === "symlink") throw refuse(shown, "written through a symbolic link");
      if (child && !last && child.kind === "file") throw refuse(shown, "written inside a file");
      if (child && last) {
        if (kind === "directory" && child.kind === "directory") return;
        throw refuse(
          shown,
          child.kind === kind ? "appears twice in the archive" : "is both a folder and a file or link",
        );
      }
      if (!child) {
        child = { kind: last ? kind : "directory", children: new Map() };
        node.children.set(part, child);
      }
      node = child;
    }
  }
}

/** Checks every entry against every other before anything is written. */
function planEntries(entries: ArchiveEntry[]): Plan {
  const plan: Plan = { directories: [], files: [], hardlinks: [], symlinks: [], bytes: 0 };
  const tree = new PathTree();
  // Symbolic links first: an entry listed before the link it would be written through is refused too.
  for (const entry of entries) {
    if (entry.kind === "symlink") tree.add(safeRelativePath(entry.path), "symlink", entry.path);
  }
  const files = new Set<string>();
  for (const entry of entries) {
    const rel = safeRelativePath(entry.path);
    if (rel === "" && entry.kind === "directory") continue;
    if (rel === "") throw refuse(entry.path, "empty name");
    switch (entry.kind) {
      case "directory":
        tree.add(rel, "directory", entry.path);
        plan.directories.push(rel);
        break;
      case "file": {
        tree.add(rel, "file", entry.path);
        const data = entry.data ?? new Uint8Array();
        files.add(rel);
        plan.files.push({ path: rel, data, mode: safeMode(entry.mode) });
        plan.bytes += data.byteLength;
        break;
      }
      case "hardlink": {
        const source = safeRelativePath(entry.linkpath ?? "");
        if (!files.has(source))
          throw refuse(entry.path, `hard link to ${JSON.stringify(entry.linkpath)}, not an earlier file`);
        tree.add(rel, "file", entry.path);
        plan.hardlinks.push({ path: rel, source });
        break;
      }
      case "symlink":
        checkSymlink(rel, entry.linkpath ?? "", tree);
        plan.symlinks.push({ path: rel, linkpath: entry.linkpath ?? "" });
        plan.bytes += Buffer.byteLength(entry.linkpath ?? "");
        break;
      default:
        throw refuse(entry.path, `${entry.typeName} entries (devices, FIFOs) are never installed`);
    }
  }
  return plan;
}

/** A symlink may point only inside the root, and never through (or at) another symlink. */
function checkSymlink(rel: string, target: string, tree: PathTree): void {
  if (target === "" || target.startsWith("/") || target.includes("\\") || /^[A-Za-z]:/.test(target)) {
    throw refuse(rel, `symbolic link to ${JSON.stringify(target)} leaves the plugin folder`);
  }
  const stack = rel.split("/").slice(0, -1);
  // The tree node of each folder on `stack`, while the folders exist in the archive.
  const nodes: (TreeNode | undefined)[] = [tree.root];
  for (const part of stack) nodes.push(nodes.at(-1)?.children.get(part));
  for (const part of target.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (stack.length === 0)
        throw refuse(rel, `symbolic link to ${JSON.stringify(target)} leaves the plugin folder`);
      stack.pop();
      nodes.pop();
    } else {
      stack.push(part);
      const node = nodes.at(-1)?.children.get(part);
      nodes.push(node);
      if (node?.kind === "symlink") throw refuse(rel, "symbolic link through another symbolic link");
    }
  }
}
