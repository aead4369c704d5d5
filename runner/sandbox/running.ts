/**
 * Plugins this runner started (`run`, and the FinFocus CLI through a launcher, which calls `run`):
 * one record per process in `<plugin-dir>/.finfocus-registry/run/<name>@<pid>.json`, written at
 * start and removed at exit, so `remove` can stop a plugin's service before its folder goes. A
 * record is only followed while its process is the one recorded (pid and kernel start time).
 */
import { readFileSync } from "node:fs";
import { readdir, readFile, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { writeFileAtomic } from "../install/atomic-file.ts";
import type { Layout } from "../install/layout.ts";
import { processStartTime } from "../install/lock.ts";
import { homeDir } from "../install/safe-dirs.ts";

interface RunningRecord {
  name: string;
  version: string;
  pid: number;
  /** Kernel start time (Linux /proc): a reused pid is never taken for the plugin. */
  start: string | null;
  host: string;
  started_at: string;
}

/** Records that `pid` runs `name@version`; returns the record's path (remove it when the process exits). */
export async function recordRunning(
  layout: Layout,
  name: string,
  version: string,
  pid: number,
): Promise<string> {
  const file = join(await homeDir(layout, "run"), `${name}@${pid}.json`);
  const record: RunningRecord = {
    name,
    version,
    pid,
    start: processStartTime(pid),
    host: hostname(),
    started_at: new Date().toISOString(),
  };
  await writeFileAtomic(file, JSON.stringify(record));
  return file;
}

/** True while `record`'s process runs (not a zombie, same start time, on this machine). */
function isRunning(record: RunningRecord): boolean {
  if (record.host !== hostname()) return false;
  try {
    process.kill(record.pid, 0);
  } catch {
    return false;
  }
  const start = processStartTime(record.pid);
  if (record.start !== null && start !== record.start) return false;
  try {
    const stat = readFileSync(`/proc/${record.pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}

async function exited(record: RunningRecord, ms: number): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await sleep(50))
    if (!isRunning(record)) return true;
  return !isRunning(record);
}

/**
 * Stops every recorded process of `name` that still runs (SIGTERM, SIGKILL after 2 s) and drops
 * its record; stale records (the process gone, or its pid reused) are dropped untouched. Returns
 * the pids that were stopped.
 */
export async function stopRunning(layout: Layout, name: string): Promise<number[]> {
  const dir = join(layout.home, "run");
  const stopped: number[] = [];
  for (const entry of await readdir(dir).catch(() => [] as string[])) {
    if (!entry.startsWith(`${name}@`) || !entry.endsWith(".json")) continue;
    const file = join(dir, entry);
    let record: RunningRecord | undefined;
    try {
      record = JSON.parse(await readFile(file, "utf8")) as RunningRecord;
    } catch {
      record = undefined;
    }
    const valid =
      record !== undefined &&
      record.name === name &&
      Number.isInteger(record.pid) &&
      record.pid > 1 &&
      record.pid !== process.pid &&
      entry === `${name}@${record.pid}.json`;
    if (valid && isRunning(record!)) {
      process.kill(record!.pid, "SIGTERM");
      if (!(await exited(record!, 2000))) {
        process.kill(record!.pid, "SIGKILL");
        await exited(record!, 2000);
      }
      stopped.push(record!.pid);
    }
    await rm(file, { force: true });
  }
  return stopped;
}
