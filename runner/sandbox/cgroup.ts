/**
 * Where a sandbox's cgroup goes and what is written into it, from this process's
 * `/proc/self/cgroup` and `/proc/self/mountinfo`. Pure: cgroup-fs.ts creates, fills and removes the
 * folders. A cgroup limits the whole sandbox, which rlimits cannot: RLIMIT_NPROC does not bind
 * uid 0, and RLIMIT_DATA counts neither a tmpfs's pages nor a memfd's, which the memory controller
 * charges.
 */

/** The two controllers a sandbox uses: `pids` caps processes and threads, `memory` all memory. */
export type Controller = "pids" | "memory";
export const CONTROLLERS: readonly Controller[] = ["pids", "memory"];

/** This process's cgroup for one controller: the folder new cgroups are made in. */
export interface CgroupLocation {
  controller: Controller;
  /** 1: a hierarchy of its own (cgroup v1); 2: the unified hierarchy (cgroup v2). */
  version: 1 | 2;
  /** The folder of this process's cgroup, as mounted here. */
  dir: string;
}

interface Mount {
  root: string;
  point: string;
  version: 1 | 2;
  options: string[];
}

/** Undoes mountinfo's octal escapes (`\040` for a space). */
const unescapeMount = (text: string) =>
  text.replace(/\\([0-7]{3})/g, (_, code: string) => String.fromCharCode(Number.parseInt(code, 8)));

function cgroupMounts(mountinfo: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of mountinfo.split("\n")) {
    const [before, after] = line.split(" - ");
    if (!before || !after) continue;
    const fields = before.split(" ");
    const [type, , superOptions = ""] = after.split(" ");
    if ((type !== "cgroup" && type !== "cgroup2") || !fields[3] || !fields[4]) continue;
    mounts.push({
      root: unescapeMount(fields[3]),
      point: unescapeMount(fields[4]),
      version: type === "cgroup2" ? 2 : 1,
      options: superOptions.split(","),
    });
  }
  return mounts;
}

/** `point` joined with `path` seen from a mount of `root` (undefined when the path is outside it). */
function under(mount: Mount, path: string): string | undefined {
  const root = mount.root === "/" ? "" : mount.root;
  if (root && path !== root && !path.startsWith(`${root}/`)) return undefined;
  const rest = path.slice(root.length).replace(/^\/+/, "");
  return rest ? `${mount.point.replace(/\/+$/, "")}/${rest}` : mount.point;
}

/**
 * Where this process's cgroup is for each controller: a v1 hierarchy mounted with it, else the
 * unified (v2) one, whose controllers cgroup-fs.ts still has to find enabled. A controller with
 * neither is absent.
 */
export function cgroupLocations(procCgroup: string, mountinfo: string): CgroupLocation[] {
  const mounts = cgroupMounts(mountinfo);
  const lines = procCgroup
    .split("\n")
    .map((line) => /^(\d+):([^:]*):(.*)$/.exec(line))
    .filter((match) => match !== null);
  const out: CgroupLocation[] = [];
  for (const controller of CONTROLLERS) {
    const v1 = lines.find((match) => match[2]!.split(",").includes(controller));
    const v1Mount = mounts.find((mount) => mount.version === 1 && mount.options.includes(controller));
    const v1Dir = v1 && v1Mount ? under(v1Mount, v1[3]!) : undefined;
    if (v1Dir) {
      out.push({ controller, version: 1, dir: v1Dir });
      continue;
    }
    if (v1) continue; // bound to a v1 hierarchy that is not mounted here: not in v2 either
    const v2 = lines.find((match) => match[1] === "0" && match[2] === "");
    const v2Mount = mounts.find((mount) => mount.version === 2);
    const v2Dir = v2 && v2Mount ? under(v2Mount, v2[3]!) : undefined;
    if (v2Dir) out.push({ controller, version: 2, dir: v2Dir });
  }
  return out;
}

/** What a sandbox's cgroup holds. */
export interface CgroupLimits {
  tasks: number;
  memoryBytes: number;
}

/**
 * The files written in a new cgroup, in order, and whether each must exist: the swap ceilings
 * (`memory.memsw.limit_in_bytes`, `memory.swap.max`) exist only where swap is accounted.
 */
export function limitWrites(
  location: CgroupLocation,
  limits: CgroupLimits,
): { file: string; value: string; required: boolean }[] {
  const memory = String(limits.memoryBytes);
  if (location.controller === "pids")
    return [{ file: "pids.max", value: String(limits.tasks), required: true }];
  return location.version === 1
    ? [
        { file: "memory.limit_in_bytes", value: memory, required: true },
        // Memory and swap together: swap is no way around the ceiling.
        { file: "memory.memsw.limit_in_bytes", value: memory, required: false },
      ]
    : [
        { file: "memory.max", value: memory, required: true },
        { file: "memory.swap.max", value: "0", required: false },
      ];
}

/** The file that counts a controller's refusals: fork/clone refused at pids.max, out-of-memory kills. */
export function eventsFile(location: CgroupLocation): { file: string; key: string } {
  if (location.controller === "pids") return { file: "pids.events", key: "max" };
  return location.version === 1
    ? { file: "memory.oom_control", key: "oom_kill" }
    : { file: "memory.events", key: "oom_kill" };
}

/** The count under `key` in a flat-keyed cgroup file (`max 3`), 0 when absent. */
export function eventCount(text: string, key: string): number {
  const match = new RegExp(`^${key} (\\d+)$`, "m").exec(text);
  return match ? Number(match[1]) : 0;
}

/**
 * The command that enters the cgroups before anything of the plugin runs: a shell writes its own
 * pid into each `cgroup.procs`, then executes the rest of the command line in place (same pid),
 * so prlimit, bubblewrap and the plugin start inside and no fork can escape in between. It exits
 * with 125 when it cannot enter them (the plugin never starts).
 */
export function enterCgroups(procsFiles: readonly string[]): string[] {
  const script =
    'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ >"$1" || { echo "finfocus-registry: cannot enter the cgroup $1" >&2; exit 125; }; shift; n=$((n - 1)); done; exec "$@"';
  return ["/bin/sh", "-c", script, "finfocus-cgroup", String(procsFiles.length), ...procsFiles];
}
