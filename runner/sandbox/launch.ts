/**
 * Starts a plugin inside the sandbox its grant allows (or plain, when core/permissions decided so):
 * a cgroup of its own caps the whole sandbox's processes, threads and memory where the machine
 * offers one, `prlimit` applies the per-process memory ceiling, bubblewrap the namespaces and
 * mounts, and, when the plugin has no network of its own but the host reaches it on a port, a
 * relay carries that port in.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import type { Server } from "node:net";
import { constants, tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Readable, Writable } from "node:stream";
import type { Enforcement, SandboxSupport } from "../../core/permissions/sandbox-policy.types.ts";
import { RunnerError } from "../errors.ts";
import { bwrapArgs, type SandboxPaths, sandboxEnvironment } from "./bwrap-args.ts";
import { enterCgroups } from "./cgroup.ts";
import { type CgroupEvents, createCgroup, type PluginCgroup } from "./cgroup-fs.ts";
import { noSpawnFilter } from "./no-spawn-filter.ts";
import { relayPort, startRelay, whenSocket } from "./port-relay.ts";
import { findPrlimit } from "./probe.ts";
import { pluginPid, STOP_GRACE_MS, sandboxInit, terminate } from "./sandbox-process.ts";

export interface SandboxStart {
  /** The plugin's executable and its arguments. */
  command: string;
  args: string[];
  /** From core/permissions/decideEnforcement: `sandbox` or `plain` (a refusal never gets here). */
  enforcement: Exclude<Enforcement, { mode: "refuse" }>;
  support: SandboxSupport;
  paths: SandboxPaths;
  /** The caller's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** The host's port for the plugin: relayed into the sandbox when its network is its own. */
  port?: number;
  stdio?: "inherit" | "pipe";
  /** How long the plugin has to stop after SIGTERM before SIGKILL (default STOP_GRACE_MS, 10 s). */
  graceMs?: number;
}

export interface SandboxedProcess {
  child: ChildProcess;
  /** The whole command line that was started (prlimit, bwrap and their arguments included). */
  argv: string[];
  /** The sandbox's cgroup folders by controller, while it runs; absent without cgroups. */
  cgroup?: PluginCgroup["dirs"];
  /**
   * After the exit, once the cgroup is removed: what its limits refused (undefined without a cgroup).
   */
  cgroupEvents: Promise<CgroupEvents | undefined>;
  /** Resolves when the port (if any) answers on the host; rejects when the plugin exits first. */
  ready: Promise<void>;
  /** The plugin's exit status (a signal gives 128 + its number, as a shell reports it). */
  exited: Promise<number>;
  /**
   * Sends `signal` (SIGTERM by default) to the plugin itself, inside the sandbox, and SIGKILL after
   * the grace period; resolves with its exit status.
   */
  terminate(signal?: NodeJS.Signals): Promise<number>;
  /** terminate(), then removes the relay's folder. */
  stop(): Promise<void>;
}

/** bubblewrap reports its sandbox's first process on this descriptor (see sandbox-process.ts). */
const INFO_FD = 3;
/** bubblewrap reads the seccomp filter of a plugin without process_spawn from this descriptor. */
const SECCOMP_FD = 4;

/** The seccomp filter this start needs, if any (a sandboxed plugin without process_spawn). */
function spawnFilter(start: SandboxStart): Buffer | undefined {
  const { mode, policy } = start.enforcement;
  return mode === "sandbox" && !policy.spawn ? noSpawnFilter() : undefined;
}

/**
 * The full command line of a start; `cgroupProcs` are the cgroup.procs files its first process
 * enters before it executes prlimit (see enterCgroups).
 */
export function sandboxArgv(start: SandboxStart, cgroupProcs: readonly string[] = []): string[] {
  const { policy } = start.enforcement;
  const limits = [`--data=${policy.memory_mb * 1024 * 1024}`];
  const prlimit = findPrlimit(start.env);
  if (start.enforcement.mode === "plain") {
    // Without a sandbox the ceiling still applies where prlimit exists (its absence may be why).
    return prlimit
      ? [prlimit, ...limits, "--", start.command, ...start.args]
      : [start.command, ...start.args];
  }
  return [
    ...(cgroupProcs.length ? enterCgroups(cgroupProcs) : []),
    prlimit ?? "prlimit",
    ...limits,
    "--",
    start.support.bwrap ?? "bwrap",
    "--info-fd",
    String(INFO_FD),
    ...(spawnFilter(start) ? ["--seccomp", String(SECCOMP_FD)] : []),
    ...bwrapArgs(policy, start.paths),
    "--",
    start.command,
    ...start.args,
  ];
}

/**
 * The start's own cgroup, when the probe found cgroups it can create; SANDBOX_UNAVAILABLE when it
 * found them and one cannot be made now (a limit the start would claim is never dropped silently).
 */
function sandboxCgroup(start: SandboxStart): PluginCgroup | undefined {
  const support = start.support.cgroups;
  if (!support?.tasks && !support?.memory) return undefined;
  const { policy } = start.enforcement;
  const name = basename(start.command).replace(/[^\w.-]/g, "_");
  try {
    return createCgroup(name, { tasks: policy.tasks_max, memoryBytes: policy.memory_mb * 1024 * 1024 });
  } catch (error) {
    throw new RunnerError(
      "SANDBOX_UNAVAILABLE",
      `the cgroup that limits ${name}'s sandbox cannot be created: ${(error as Error).message}`,
      { reason: "cgroup", missing: "a cgroup for the sandbox's process and memory limits" },
      { cause: error },
    );
  }
}

/** Starts the plugin; see SandboxedProcess. */
export async function startSandboxed(start: SandboxStart): Promise<SandboxedProcess> {
  const { policy } = start.enforcement;
  const sandboxed = start.enforcement.mode === "sandbox";
  const relayed = sandboxed && policy.network === "loopback" && start.port !== undefined;
  // Synchronous: one syscall, cheaper than a round trip through the thread pool before the start.
  const relayDir = relayed ? mkdtempSync(join(tmpdir(), "finfocus-relay-")) : undefined;
  const cgroup = sandboxed ? sandboxCgroup(start) : undefined;
  const argv = sandboxArgv(start, cgroup?.procs);
  const filter = spawnFilter(start);
  const io =
    start.stdio === "pipe"
      ? (["ignore", "pipe", "pipe"] as const)
      : (["inherit", "inherit", "inherit"] as const);
  const child = spawn(argv[0]!, argv.slice(1), {
    env: sandboxEnvironment(policy, start.paths, start.env ?? process.env),
    stdio: sandboxed ? [...io, "pipe", ...(filter ? (["pipe"] as const) : [])] : [...io],
    // A process group of its own: a terminal's Ctrl-C reaches this process, which passes it to the
    // plugin (bubblewrap would die of it and take the plugin with it); --die-with-parent still ties
    // the sandbox to this process.
    detached: sandboxed,
  });
  if (filter) {
    const pipe = child.stdio[SECCOMP_FD] as Writable;
    pipe.on("error", () => {}); // bubblewrap gone before reading it: its exit says why
    pipe.end(filter);
  }
  let status: number | undefined;
  let failure: Error | undefined;
  const exited = new Promise<number>((resolve) => {
    child.once("error", (error) => {
      failure = error;
      status = 127;
      resolve(127);
    });
    child.once("exit", (code, signal) => {
      status = code ?? 128 + (signal ? (constants.signals[signal] ?? 1) : 1);
      resolve(status);
    });
  });
  const init = sandboxed ? sandboxInit(child.stdio[INFO_FD] as Readable) : Promise.resolve(undefined);
  let server: Server | undefined;
  let relay: ChildProcess | undefined;
  // The host's port, the relay and the plugin come up concurrently: the host listens at once (a
  // connection waits for the relay's socket), the relay joins the sandbox's network as soon as
  // bubblewrap names the sandbox, and its socket appears when the plugin listens inside.
  const ready = (async () => {
    if (!relayDir || start.port === undefined) return;
    const socket = join(relayDir, "port.sock");
    // The relay starts once bubblewrap names the sandbox; its exit before the socket is a failure.
    const relayGone = init.then((pid) => {
      if (pid === undefined) return "the sandbox did not start";
      if (status !== undefined) return new Promise<string>(() => {}); // the plugin's exit says why
      const started = startRelay(pid, socket, start.port!);
      relay = started;
      return new Promise<string>((resolve) =>
        started.once("exit", (code) => resolve(`the port relay exited (${code})`)),
      );
    });
    const socketReady = whenSocket(
      socket,
      Promise.race([
        exited.then((code) => (failure ? failure.message : `exited (${code}) before listening`)),
        relayGone,
      ]),
    );
    socketReady.catch(() => {});
    server = await relayPort(start.port, socket, socketReady);
    await socketReady;
  })();
  ready.catch(() => {});
  let ended: Promise<CgroupEvents | undefined> | undefined;
  const cgroupEvents = () => {
    ended ??= exited.then(() => cgroup?.finish());
    return ended;
  };
  cgroupEvents().catch(() => undefined);
  const cleanup = async () => {
    await cgroupEvents().catch(() => undefined);
    relay?.stdin?.end();
    relay?.kill("SIGTERM");
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (relayDir) await rm(relayDir, { recursive: true, force: true });
  };
  exited.then(cleanup, cleanup);
  const gone = () => status !== undefined;
  const target = async () => {
    if (!sandboxed) return child.pid;
    const pid = await init;
    return pid === undefined ? undefined : pluginPid(pid, gone);
  };
  const stopWith = (signal: NodeJS.Signals = "SIGTERM") =>
    gone() ? exited : terminate(child, exited, target, signal, start.graceMs ?? STOP_GRACE_MS);
  return {
    child,
    argv,
    ...(cgroup ? { cgroup: cgroup.dirs } : {}),
    cgroupEvents: cgroupEvents(),
    ready,
    exited,
    terminate: stopWith,
    async stop() {
      await stopWith();
      await cleanup();
    },
  };
}
