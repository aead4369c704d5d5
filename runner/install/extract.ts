import { mkdir, symlink, writeFile } from "node:fs/promises";
import { posix, resolve, sep } from "node:path";
import { RunnerError } from "../errors.ts";
import {
  type ArchiveEntry,
  type ArchiveFormat,
  DEFAULT_EXTRACT_LIMITS,
  detectFormat,
  type ExtractLimits,
  readTarEntries,
  readZipEntries,
} from "./archive-entries.ts";

export interface ExtractResult {
  format: ArchiveFormat;
  /** Relative paths of the regular files written, in archive order. */
  files: string[];
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
 * links become copies of an earlier file of the same archive, devices and FIFOs are refused, modes
 * are capped (I5) and the size and entry count are bounded (I4). A plain binary is written as
 * `binaryName`, mode 0755.
 */
export async function extractArtifact(
  bytes: Uint8Array,
  nameHint: string,
  root: string,
  binaryName: string,
  limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS,
): Promise<ExtractResult> {
  const format = detectFormat(bytes, nameHint);
  if (format === "binary") {
    if (bytes.byteLength > limits.maxTotalBytes) throw refuse(binaryName, "larger than the size limit");
    await writeFile(resolve(root, safeRelativePath(binaryName)), bytes, { flag: "wx", mode: 0o755 });
    return { format, files: [binaryName] };
  }
  const entries =
    format === "zip" ? await readZipEntries(bytes, limits) : await readTarEntries(bytes, limits);
  const plan = planEntries(entries);
  try {
    await writePlan(root, plan);
  } catch (error) {
    if (error instanceof RunnerError) throw error;
    throw new RunnerError(
      "EXTRACTION_FAILED",
      `Writing the archive failed: ${(error as Error).message}`,
      {},
      { cause: error },
    );
  }
  return { format, files: plan.files.map((f) => f.path) };
}

async function writePlan(root: string, plan: Plan): Promise<void> {
  for (const dir of plan.directories) await mkdir(inside(root, dir), { recursive: true, mode: 0o755 });
  for (const file of plan.files) {
    const target = inside(root, file.path);
    await mkdir(posix.dirname(target), { recursive: true, mode: 0o755 });
    // "wx": O_CREAT|O_EXCL never follows or reuses an existing path (a duplicate entry fails).
    await writeFile(target, file.data, { flag: "wx", mode: file.mode });
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
  symlinks: { path: string; linkpath: string }[];
}

/** Checks every entry against every other before anything is written. */
function planEntries(entries: ArchiveEntry[]): Plan {
  const plan: Plan = { directories: [], files: [], symlinks: [] };
  const fileData = new Map<string, Uint8Array>();
  const linkPaths = new Set<string>();
  for (const entry of entries) {
    if (entry.kind === "symlink") linkPaths.add(safeRelativePath(entry.path));
  }
  const underLink = (rel: string): boolean => {
    const parts = rel.split("/");
    for (let i = 1; i < parts.length; i++) if (linkPaths.has(parts.slice(0, i).join("/"))) return true;
    return false;
  };
  const taken = new Set<string>();
  for (const entry of entries) {
    const rel = safeRelativePath(entry.path);
    if (rel === "" && entry.kind === "directory") continue;
    if (rel === "") throw refuse(entry.path, "empty name");
    if (entry.kind !== "directory") {
      if (taken.has(rel)) throw refuse(entry.path, "appears twice in the archive");
      taken.add(rel);
    }
    if (underLink(rel)) throw refuse(entry.path, "written through a symbolic link");
    switch (entry.kind) {
      case "directory":
        plan.directories.push(rel);
        break;
      case "file": {
        const data = entry.data ?? new Uint8Array();
        fileData.set(rel, data);
        plan.files.push({ path: rel, data, mode: safeMode(entry.mode) });
        break;
      }
      case "hardlink": {
        const source = safeRelativePath(entry.linkpath ?? "");
        const data = fileData.get(source);
        if (!data)
          throw refuse(entry.path, `hard link to ${JSON.stringify(entry.linkpath)}, not an earlier file`);
        plan.files.push({ path: rel, data, mode: safeMode(entry.mode) });
        break;
      }
      case "symlink":
        checkSymlink(rel, entry.linkpath ?? "", linkPaths);
        plan.symlinks.push({ path: rel, linkpath: entry.linkpath ?? "" });
        break;
      default:
        throw refuse(entry.path, `${entry.typeName} entries (devices, FIFOs) are never installed`);
    }
  }
  return plan;
}

/** A symlink may point only inside the root, and never through (or at) another symlink. */
function checkSymlink(rel: string, target: string, linkPaths: Set<string>): void {
  if (target === "" || target.startsWith("/") || target.includes("\\") || /^[A-Za-z]:/.test(target)) {
    throw refuse(rel, `symbolic link to ${JSON.stringify(target)} leaves the plugin folder`);
  }
  const stack = rel.split("/").slice(0, -1);
  for (const part of target.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (stack.length === 0)
        throw refuse(rel, `symbolic link to ${JSON.stringify(target)} leaves the plugin folder`);
      stack.pop();
    } else {
      stack.push(part);
      if (linkPaths.has(stack.join("/"))) throw refuse(rel, "symbolic link through another symbolic link");
    }
  }
}
