/**
 * Creates one cgroup per sandboxed start under this process's own cgroups (cgroup.ts says where and
 * what), and removes it when the sandbox has ended. Synchronous where it runs before a start: a
 * handful of system calls on a pseudo file system, cheaper than round trips through the thread pool.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { CgroupSupport } from "../../core/permissions/sandbox-policy.types.ts";
import {
  type CgroupLimits,
  type CgroupLocation,
  type Controller,
  cgroupLocations,
  eventCount,
  eventsFile,
  limitWrites,
} from "./cgroup.ts";

/** What a sandbox's cgroup refused while it ran. */
export interface CgroupEvents {
  /** fork and clone calls refused at `tasks_max` (pids.events `max`). */
  tasks_refused: number;
  /** Processes the kernel killed at the memory ceiling (`oom_kill`). */
  memory_kills: number;
}

/** One start's cgroups: enter them through `procs`, end them with `finish()`. */
export interface PluginCgroup {
  /** The cgroup.procs files the start's first process writes itself into (see enterCgroups). */
  procs: string[];
  /** The folders, by controller. */
  dirs: Partial<Record<Controller, string>>;
  /** Kills what is left inside (nothing, once the sandbox has ended), reads the events, removes them. */
  finish(): Promise<CgroupEvents>;
}

/** This process's cgroup for each controller it may create children in (a v2 one only when delegated). */
export function usableLocations(): CgroupLocation[] {
  let procCgroup: string;
  let mountinfo: string;
  try {
    procCgroup = readFileSync("/proc/self/cgroup", "utf8");
    mountinfo = readFileSync("/proc/self/mountinfo", "utf8");
  } catch {
    return [];
  }
  return cgroupLocations(procCgroup, mountinfo).filter((location) => {
    if (location.version === 1) return existsSync(location.dir);
    // v2: children get a controller only when this cgroup passes it on (cgroup.subtree_control);
    // enabling it here would rearrange a cgroup that systemd or a container manager owns.
    const enabled = (() => {
      try {
        return readFileSync(join(location.dir, "cgroup.subtree_control"), "utf8").split(/\s+/);
      } catch {
        return [];
      }
    })();
    return enabled.includes(location.controller);
  });
}

let sequence = 0;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** Removes the empty cgroups of runners that died without removing theirs (rmdir refuses busy ones). */
function sweep(parent: string): void {
  for (const entry of (() => {
    try {
      return readdirSync(parent);
    } catch {
      return [];
    }
  })()) {
    const owner = /^finfocus-(\d+)-\d+-/.exec(entry);
    if (!owner || Number(owner[1]) === process.pid || alive(Number(owner[1]))) continue;
    try {
      rmdirSync(join(parent, entry));
    } catch {
      // Still in use, or not ours to remove.
    }
  }
}

/** Kills what is left in `dir` (pids in its cgroup.procs) and removes it; gives up after about 2 s. */
async function removeWhenEmpty(dir: string): Promise<void> {
  // The sandbox's last processes may still be leaving when its outer process has exited.
  for (let attempt = 0; attempt < 50; attempt++) {
    const left = (await readFile(join(dir, "cgroup.procs"), "utf8").catch(() => ""))
      .split("\n")
      .filter(Boolean)
      .map(Number);
    for (const pid of left) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone already.
      }
    }
    try {
      rmdirSync(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    }
    await sleep(Math.min(2 ** attempt, 50));
  }
}

/**
 * Creates a cgroup for one start of `name` in each usable location, with `limits` written; throws
 * when one cannot be made (the ones made are removed). Undefined when no location is usable.
 */
export function createCgroup(
  name: string,
  limits: CgroupLimits,
  locations: CgroupLocation[] = usableLocations(),
): PluginCgroup | undefined {
  if (locations.length === 0) return undefined;
  const leaf = `finfocus-${process.pid}-${++sequence}-${name.slice(0, 64)}`;
  const dirs: Partial<Record<Controller, string>> = {};
  const made: string[] = [];
  try {
    for (const location of locations) {
      const dir = join(location.dir, leaf);
      if (!made.includes(dir)) {
        sweep(location.dir);
        mkdirSync(dir);
        made.push(dir);
      }
      dirs[location.controller] = dir;
      for (const write of limitWrites(location, limits)) {
        const file = join(dir, write.file);
        if (write.required || existsSync(file)) writeFileSync(file, write.value);
      }
    }
  } catch (error) {
    for (const dir of made) {
      try {
        rmdirSync(dir);
      } catch {
        // Nothing entered it; a failure here leaves an empty folder, swept by a later start.
      }
    }
    throw error;
  }
  return {
    procs: made.map((dir) => join(dir, "cgroup.procs")),
    dirs,
    async finish() {
      const count = async (controller: Controller) => {
        const location = locations.find((l) => l.controller === controller);
        const dir = dirs[controller];
        if (!location || !dir) return 0;
        const { file, key } = eventsFile(location);
        return eventCount(await readFile(join(dir, file), "utf8").catch(() => ""), key);
      };
      const events = { tasks_refused: await count("pids"), memory_kills: await count("memory") };
      await Promise.all(made.map(removeWhenEmpty));
      return events;
    },
  };
}

/** Whether this runner can limit a whole sandbox here: makes a trial cgroup and removes it. */
export function probeCgroups(): CgroupSupport {
  const locations = usableLocations();
  const has = (controller: Controller) => locations.some((l) => l.controller === controller);
  const missing = (["pids", "memory"] as const).filter((c) => !has(c));
  try {
    const trial = createCgroup("probe", { tasks: 64, memoryBytes: 64 * 1024 * 1024 }, locations);
    for (const procs of trial?.procs ?? []) rmdirSync(dirname(procs)); // nothing ever entered it
  } catch (error) {
    return {
      tasks: false,
      memory: false,
      problem: `no cgroup can be created here (${(error as Error).message}): run as root with a writable cgroup file system`,
    };
  }
  return {
    tasks: has("pids"),
    memory: has("memory"),
    ...(missing.length
      ? {
          problem: `no ${missing.join(" or ")} cgroup controller this runner can create cgroups in (cgroup v1 mounted, or a cgroup v2 whose cgroup.subtree_control passes it on)`,
        }
      : {}),
  };
}
