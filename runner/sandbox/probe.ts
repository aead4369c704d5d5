/**
 * What this machine can do to isolate a plugin: is bubblewrap installed, and does a trial sandbox
 * built exactly like a plugin's (own user, PID, IPC, UTS and network namespaces) start, and can it
 * make a cgroup that limits a whole sandbox? The answer feeds core/permissions/enforcement.ts,
 * runner/sandbox/launch.ts and `finfocus-registry doctor`.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { sandboxPolicy } from "../../core/permissions/sandbox-policy.ts";
import type { SandboxSupport } from "../../core/permissions/sandbox-policy.types.ts";
import { bwrapArgs } from "./bwrap-args.ts";
import { probeCgroups } from "./cgroup-fs.ts";

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** bubblewrap's path: FINFOCUS_BWRAP when set, else the first `bwrap` on PATH. */
export function findBwrap(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.FINFOCUS_BWRAP) return executable(env.FINFOCUS_BWRAP) ? env.FINFOCUS_BWRAP : undefined;
  for (const dir of (env.PATH ?? "/usr/bin:/bin").split(delimiter)) {
    if (dir && executable(join(dir, "bwrap"))) return join(dir, "bwrap");
  }
  return undefined;
}

/** A tool on PATH (util-linux's `prlimit` and `nsenter`); undefined when missing. */
export function findTool(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? "/usr/bin:/bin").split(delimiter)) {
    if (dir && executable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** `prlimit` (util-linux), which applies the memory ceiling; undefined when missing. */
export function findPrlimit(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findTool("prlimit", env);
}

/** Debian's essential perl-base runs the port relay in the sandbox's network (it starts in milliseconds). */
export const PERL = "/usr/bin/perl";

/** The setns system call's number, where the port relay joins the sandbox's namespaces itself. */
export const RELAY_SETNS: Readonly<Record<string, number>> = { x64: 308, arm64: 268 };

let cached: SandboxSupport | undefined;

/** Probes once per process (a trial sandbox costs a few milliseconds); `fresh` probes again. */
export function probeSandbox(env: NodeJS.ProcessEnv = process.env, fresh = false): SandboxSupport {
  if (cached && !fresh) return cached;
  const bwrap = findBwrap(env);
  if (!bwrap) {
    const problem = env.FINFOCUS_BWRAP
      ? `FINFOCUS_BWRAP is set to ${env.FINFOCUS_BWRAP}, which is not an executable file`
      : "bubblewrap (`bwrap`) is not installed (Debian/Ubuntu: apt-get install bubblewrap)";
    cached = { namespaces: false, problem };
    return cached;
  }
  const version = spawnSync(bwrap, ["--version"], { encoding: "utf8" })
    .stdout?.trim()
    .replace(/^bubblewrap /, "");
  const trial = sandboxPolicy({ name: "probe", permissions: [], security_level: "untrusted" });
  const run = spawnSync(
    bwrap,
    [...bwrapArgs(trial, { pluginPath: "/usr/bin", dataDir: "/nonexistent" }), "true"],
    {
      encoding: "utf8",
      timeout: 10_000,
    },
  );
  const namespaces = run.status === 0;
  const prlimit = findPrlimit(env);
  // The relay joins the sandbox's network itself where it knows setns; elsewhere nsenter does.
  const nsenter = RELAY_SETNS[process.arch] !== undefined ? PERL : findTool("nsenter", env);
  const perl = executable(PERL);
  cached = {
    bwrap,
    ...(version ? { bwrap_version: version } : {}),
    cgroups: probeCgroups(),
    namespaces: namespaces && prlimit !== undefined && nsenter !== undefined && perl,
    ...(!namespaces
      ? {
          problem: `bubblewrap cannot create a sandbox here (${(run.stderr || run.error?.message || `exit ${run.status}`).trim()}): enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1) or run as root`,
        }
      : prlimit === undefined
        ? { problem: "`prlimit` (util-linux) is missing, so memory limits cannot be applied" }
        : nsenter === undefined
          ? {
              problem:
                "`nsenter` (util-linux) is missing: the port relay of plugins without network_access needs it",
            }
          : !perl
            ? {
                problem: `${PERL} (perl-base) is missing: the port relay of plugins without network_access needs it`,
              }
            : {}),
  };
  return cached;
}
