/**
 * Turns a sandbox policy (decided in core/permissions/) into bubblewrap's command line and the
 * environment the plugin starts with. Only reads the system folders' kinds (folder or symlink);
 * everything else is a function of its inputs, so tests read the command line as it is.
 */
import { lstatSync, readlinkSync } from "node:fs";
import type { SandboxPolicy } from "../../core/permissions/sandbox-policy.types.ts";

/** Where a sandboxed plugin's folders are on the host (each mounted at the same path inside). */
export interface SandboxPaths {
  /** The version folder: always visible, always read-only. */
  pluginPath: string;
  /** The private data folder (created by the caller); visible as the policy says. */
  dataDir: string;
  /** The configuration file, when there is one; visible read-only with `config_read`. */
  configFile?: string;
  /** Executables and libraries outside /usr the start needs (a Node plugin's Node), read-only. */
  runtime?: string[];
}

/** System folders every dynamically linked program needs; no home, no /root, no /var, no /srv. */
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];
/** The few files of /etc that resolve names, users and certificates; never shadow, ssh, sudoers. */
const ETC_FILES = [
  "/etc/ld.so.cache",
  "/etc/ld.so.conf",
  "/etc/ld.so.conf.d",
  "/etc/localtime",
  "/etc/passwd",
  "/etc/group",
  "/etc/nsswitch.conf",
  "/etc/hosts",
  "/etc/resolv.conf",
  "/etc/ssl/certs",
  "/etc/ca-certificates",
];

function systemMounts(): string[] {
  const out: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    const info = (() => {
      try {
        return lstatSync(dir);
      } catch {
        return undefined;
      }
    })();
    if (info?.isSymbolicLink()) out.push("--symlink", readlinkSync(dir), dir);
    else if (info?.isDirectory()) out.push("--ro-bind", dir, dir);
  }
  for (const file of ETC_FILES) out.push("--ro-bind-try", file, file);
  return out;
}

/** Variables of the FinFocus host's launch contract, passed even to a minimal environment. */
export const CONTRACT_VARIABLES = [
  "FINFOCUS_PLUGIN_PORT",
  "FINFOCUS_LOG_FILE",
  "FINFOCUS_LOG_LEVEL",
  "FINFOCUS_TRACE_ID",
];

/**
 * The plugin's environment: the caller's with `environment_read`; otherwise PATH, HOME (the data
 * folder when visible, else the plugin folder), LANG, TMPDIR with `temp_files`, and the host's
 * contract variables.
 */
export function sandboxEnvironment(
  policy: SandboxPolicy,
  paths: SandboxPaths,
  env: NodeJS.ProcessEnv,
): Record<string, string> {
  if (policy.environment === "pass") {
    return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  }
  const out: Record<string, string> = {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: policy.data === "hidden" ? paths.pluginPath : paths.dataDir,
    LANG: "C.UTF-8",
  };
  if (policy.temp) out.TMPDIR = "/tmp";
  for (const name of CONTRACT_VARIABLES) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** The size of the in-memory /tmp that `temp_files` grants. */
export const TEMP_FOLDER_BYTES = 256 * 1024 * 1024;

/** bubblewrap's arguments up to (not including) the command to run inside. */
export function bwrapArgs(policy: SandboxPolicy, paths: SandboxPaths): string[] {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const args = [
    "--unshare-user",
    "--uid",
    String(uid),
    "--gid",
    String(gid),
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
    ...(policy.network === "loopback" ? ["--unshare-net"] : []),
    "--cap-drop",
    "ALL",
    "--die-with-parent",
    "--new-session",
    ...systemMounts(),
    "--proc",
    "/proc",
    // The kernel's settings stay read-only: as root (uid 0 kept, capabilities or not) a plugin
    // could otherwise write sysctls such as kernel.core_pattern, which the host runs as root.
    "--ro-bind",
    "/proc/sys",
    "/proc/sys",
    "--ro-bind-try",
    "/proc/sysrq-trigger",
    "/proc/sysrq-trigger",
    "--ro-bind-try",
    "/proc/irq",
    "/proc/irq",
    "--ro-bind-try",
    "/proc/bus",
    "/proc/bus",
    // Device nodes only: /dev (and /dev/shm, memory no limit counts) is not a place to write.
    "--dev",
    "/dev",
    "--remount-ro",
    "/dev",
  ];
  if (policy.system_info === "host") args.push("--ro-bind", "/sys", "/sys");
  // A temporary folder in memory, bounded: temp_files grants scratch space, not the host's RAM.
  if (policy.temp) args.push("--size", String(TEMP_FOLDER_BYTES), "--tmpfs", "/tmp");
  for (const path of paths.runtime ?? []) args.push("--ro-bind", path, path);
  args.push("--ro-bind", paths.pluginPath, paths.pluginPath);
  if (policy.data !== "hidden") {
    args.push(policy.data === "read-write" ? "--bind" : "--ro-bind", paths.dataDir, paths.dataDir);
  }
  if (policy.config === "read-only" && paths.configFile) {
    args.push("--ro-bind-try", paths.configFile, paths.configFile);
  }
  // The sandbox's root is a scratch tmpfs: read-only, so the only writable places are the ones granted.
  args.push("--remount-ro", "/", "--chdir", paths.pluginPath);
  return args;
}
