/**
 * The one judge of what a plugin's grant means at run time: which folders it sees and how, whether
 * it reaches the network, what environment and limits it gets (docs/sandbox.md). Pure: the runner
 * turns the policy into a bubblewrap command line and the CLI prints it.
 */
import { PERMISSIONS, type Permission } from "../manifest.types.ts";
import type { FolderAccess, PluginGrant, SandboxPolicy } from "./sandbox-policy.types.ts";

/** Every permission the specification defines (one list, in core/manifest.types.ts). */
export { PERMISSIONS };

/** The memory ceiling when the manifest names no `min_memory_mb`. */
export const DEFAULT_MEMORY_MB = 2048;
/** The smallest ceiling ever given, and the most an untrusted plugin gets. */
export const MIN_MEMORY_MB = 1024;
export const UNTRUSTED_MEMORY_MB = 1024;
/**
 * The most processes and threads one plugin's sandbox holds at once (bubblewrap's own two
 * included), where the machine offers a pids cgroup: a Go or Node plugin runs a few dozen threads,
 * a fork or thread bomb stops here instead of filling the host's process table.
 */
export const TASK_LIMIT = 512;

/**
 * The memory ceiling: twice the declared minimum (room for peaks), never below MIN_MEMORY_MB;
 * DEFAULT_MEMORY_MB when nothing is declared; at most UNTRUSTED_MEMORY_MB for untrusted plugins.
 */
export function memoryCeiling(grant: PluginGrant): number {
  const declared = grant.min_memory_mb;
  const wanted =
    typeof declared === "number" && Number.isFinite(declared) && declared > 0
      ? Math.max(MIN_MEMORY_MB, Math.ceil(declared * 2))
      : DEFAULT_MEMORY_MB;
  return grant.security_level === "untrusted" ? Math.min(wanted, UNTRUSTED_MEMORY_MB) : wanted;
}

function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

/**
 * The sandbox a grant allows. An untrusted plugin gets the tightest profile whatever it declared
 * (its permissions are listed as ignored). `filesystem_read` shows the private data folder
 * read-only, `filesystem_write` read-write; `config_read` shows its configuration read-only;
 * without `process_spawn` the plugin cannot start child processes.
 */
export function sandboxPolicy(grant: PluginGrant): SandboxPolicy {
  const known = [...new Set(grant.permissions)].filter(isPermission).sort();
  const unknown = [...new Set(grant.permissions)].filter((p) => !isPermission(p)).sort();
  const untrusted = grant.security_level === "untrusted";
  const granted = untrusted ? [] : known;
  const has = (p: Permission) => granted.includes(p);
  const data: FolderAccess = has("filesystem_write")
    ? "read-write"
    : has("filesystem_read")
      ? "read-only"
      : "hidden";
  return {
    network: has("network_access") ? "host" : "loopback",
    data,
    config: has("config_read") ? "read-only" : "hidden",
    environment: has("environment_read") ? "pass" : "minimal",
    temp: has("temp_files"),
    system_info: has("system_info") ? "host" : "hidden",
    spawn: has("process_spawn"),
    memory_mb: memoryCeiling(grant),
    tasks_max: TASK_LIMIT,
    granted,
    ignored: untrusted ? [...known, ...unknown].sort() : unknown,
  };
}
