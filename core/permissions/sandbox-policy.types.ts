import type { Permission, SecurityLevel } from "../manifest.types.ts";

/** What an installed plugin was granted: the facts the sandbox is built from. */
export interface PluginGrant {
  name: string;
  /** The permissions approved at install (the state file's `permissions`). */
  permissions: readonly string[];
  security_level: SecurityLevel;
  /** The manifest's `security.sandbox_required`. */
  sandbox_required?: boolean;
  /** The manifest's `requirements.system_requirements.min_memory_mb`. */
  min_memory_mb?: number;
}

/** How a plugin may see one of its folders. */
export type FolderAccess = "hidden" | "read-only" | "read-write";

/** The sandbox a grant allows: every field says what the plugin gets, nothing more. */
export interface SandboxPolicy {
  /** `loopback`: a network namespace of its own, loopback only; `host`: the machine's network. */
  network: "loopback" | "host";
  /** The private data folder (`<plugin-dir>/.finfocus-registry/data/<name>`). */
  data: FolderAccess;
  /** The plugin's configuration file written by `finfocus-registry config`. */
  config: FolderAccess;
  /** `pass`: the caller's environment; `minimal`: PATH, HOME, LANG, TMPDIR and the host's contract variables. */
  environment: "pass" | "minimal";
  /** A private, empty, writable `/tmp` (else `/tmp` is absent). */
  temp: boolean;
  /** `/proc` shows the sandbox's own processes either way; `host` also shows the machine's `/sys`. */
  system_info: "hidden" | "host";
  /** `true`: it may start child processes; `false`: only threads (a seccomp filter refuses fork). */
  spawn: boolean;
  /**
   * The memory ceiling, in MiB: each process's data memory (RLIMIT_DATA), and, where the machine
   * offers a memory cgroup, the whole sandbox's memory (its processes, its `/tmp`, memfd and page
   * cache) together.
   */
  memory_mb: number;
  /** Processes and threads the whole sandbox may hold at once, where the machine offers a pids cgroup. */
  tasks_max: number;
  /** The permissions that took effect, sorted. */
  granted: Permission[];
  /** Recorded permissions this policy ignored (an untrusted plugin's, or names the spec does not define). */
  ignored: string[];
}

/** What the machine can do to isolate a process (found by `runner/sandbox/`'s probe). */
export interface SandboxSupport {
  /** The bubblewrap executable, when one was found. */
  bwrap?: string;
  bwrap_version?: string;
  /** A trial sandbox with its own user, mount, PID and network namespaces started. */
  namespaces: boolean;
  /** Why not, when a trial failed or bubblewrap is missing: what to install or enable. */
  problem?: string;
  /** Limits on the whole sandbox through cgroups; absent when not probed (per-process rlimits only). */
  cgroups?: CgroupSupport;
}

/** What cgroups (v1 or v2) this runner can create for a sandbox, found by a trial one. */
export interface CgroupSupport {
  /** A pids controller: the sandbox's processes and threads are capped (`tasks_max`). */
  tasks: boolean;
  /** A memory controller: the sandbox's memory, `/tmp` and memfd pages included, is capped (`memory_mb`). */
  memory: boolean;
  /** Why one or both are missing (not root, a read-only cgroup file system, no such controller). */
  problem?: string;
}

/** What to do with one start of a plugin. */
export type Enforcement =
  | { mode: "sandbox"; policy: SandboxPolicy }
  | { mode: "plain"; policy: SandboxPolicy; warning: string }
  | { mode: "refuse"; reason: "sandbox_required" | "require_sandbox"; message: string; missing: string };
