import { readFileSync } from "node:fs";
import { readFile, rm, stat, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { RunnerError } from "../errors.ts";
import type { Layout } from "./layout.ts";
import { homeDir } from "./safe-dirs.ts";

interface LockOwner {
  pid: number;
  /** Kernel start time of the owner (Linux /proc), so a reused pid is not mistaken for the owner. */
  start: string | null;
  host: string;
  at: string;
}

/** The process's start time as the kernel reports it, or null where /proc is not available. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function ownerIsAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true; // cannot tell for another machine: assume alive
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const start = processStartTime(owner.pid);
  return owner.start === null || start === null || start === owner.start;
}

async function isStale(path: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return false; // gone already: the next attempt will take it
  }
  try {
    return !ownerIsAlive(JSON.parse(text) as LockOwner);
  } catch {
    // A lock file cut short by a crash while being written: stale once it is a few seconds old.
    const info = await stat(path).catch(() => undefined);
    return info !== undefined && Date.now() - info.mtimeMs > 5_000;
  }
}

/** Removes a stale lock under a short-lived guard, so two waiters never both break and both take it. */
async function breakStale(path: string): Promise<void> {
  const guard = `${path}.break`;
  try {
    await writeFile(guard, String(process.pid), { flag: "wx" });
  } catch {
    const info = await stat(guard).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > 10_000) await rm(guard, { force: true });
    return;
  }
  try {
    if (await isStale(path)) await unlink(path).catch(() => undefined);
  } finally {
    await rm(guard, { force: true });
  }
}

/**
 * Runs `work` holding the lock `<home>/locks/<key>.lock` (SECURITY.md I8). Another process holding
 * it is waited for up to `timeoutMs` (then INSTALL_LOCKED); a lock left by a dead process, or by a
 * process whose pid was reused, is recovered.
 */
export async function withLock<T>(
  layout: Layout,
  key: string,
  timeoutMs: number | undefined,
  work: () => Promise<T>,
): Promise<T> {
  await homeDir(layout, "locks");
  const path = join(layout.locks, `${key}.lock`);
  const owner: LockOwner = {
    pid: process.pid,
    start: processStartTime(process.pid),
    host: hostname(),
    at: new Date().toISOString(),
  };
  const deadline = Date.now() + (timeoutMs ?? 120_000);
  let delay = 20;
  for (;;) {
    try {
      await writeFile(path, JSON.stringify(owner), { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (await isStale(path)) {
      await breakStale(path);
      continue;
    }
    if (Date.now() > deadline) {
      throw new RunnerError("INSTALL_LOCKED", `Another finfocus-registry process holds ${path}`, {
        lock: path,
      });
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 250);
  }
  try {
    return await work();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}
