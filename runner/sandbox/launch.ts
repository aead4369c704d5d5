/**
 * Starts a plugin inside the sandbox its grant allows (or plain, when core/permissions decided so):
 * `prlimit` applies the memory ceiling, bubblewrap the namespaces and mounts, and, when the plugin
 * has no network of its own but the host reaches it on a port, a relay carries that port in.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import type { Server } from "node:net";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Enforcement, SandboxSupport } from "../../core/permissions/sandbox-policy.types.ts";
import { bwrapArgs, type SandboxPaths, sandboxEnvironment } from "./bwrap-args.ts";
import { relayPort, whenSocket } from "./port-relay.ts";
import { findPrlimit, PERL } from "./probe.ts";

const RELAY = fileURLToPath(new URL("./relay.pl", import.meta.url));

export interface SandboxStart {
  /** The plugin's executable and its arguments. */
  command: string;
  args: string[];
  /** From core/permissions/decideEnforcement: `sandbox` or `plain` (a refusal never gets here). */
  enforcement: Exclude<Enforcement, { mode: "refuse" }>;
  support: SandboxSupport;
  paths: Omit<SandboxPaths, "relayDir">;
  /** The caller's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** The host's port for the plugin: relayed into the sandbox when its network is its own. */
  port?: number;
  stdio?: "inherit" | "pipe";
}

export interface SandboxedProcess {
  child: ChildProcess;
  /** The whole command line that was started (prlimit, bwrap and their arguments included). */
  argv: string[];
  /** Resolves when the port (if any) answers on the host; rejects when the plugin exits first. */
  ready: Promise<void>;
  /** The plugin's exit status (a signal gives 128 + its number, as a shell reports it). */
  exited: Promise<number>;
  /** SIGTERM, SIGKILL after 2 s; waits for exit and removes the relay's folder. */
  stop(): Promise<void>;
}

/** The full command line of a sandboxed start. */
export function sandboxArgv(start: SandboxStart, relayDir?: string): string[] {
  const { policy } = start.enforcement;
  const limits = [`--data=${policy.memory_mb * 1024 * 1024}`];
  const prlimit = findPrlimit(start.env);
  if (start.enforcement.mode === "plain") {
    // Without a sandbox the ceiling still applies where prlimit exists (its absence may be why).
    return prlimit
      ? [prlimit, ...limits, "--", start.command, ...start.args]
      : [start.command, ...start.args];
  }
  const runtime = [...(start.paths.runtime ?? [])];
  const inner = [start.command, ...start.args];
  if (relayDir && start.port !== undefined) {
    runtime.push(RELAY);
    inner.unshift(PERL, RELAY, join(relayDir, "port.sock"), String(start.port));
  }
  const paths: SandboxPaths = { ...start.paths, runtime, ...(relayDir ? { relayDir } : {}) };
  return [
    prlimit ?? "prlimit",
    ...limits,
    "--",
    start.support.bwrap ?? "bwrap",
    ...bwrapArgs(policy, paths),
    "--",
    ...inner,
  ];
}

/** Starts the plugin; see SandboxedProcess. */
export async function startSandboxed(start: SandboxStart): Promise<SandboxedProcess> {
  const { policy } = start.enforcement;
  const relayed =
    start.enforcement.mode === "sandbox" && policy.network === "loopback" && start.port !== undefined;
  // Synchronous: one syscall, cheaper than a round trip through the thread pool before the start.
  const relayDir = relayed ? mkdtempSync(join(tmpdir(), "finfocus-relay-")) : undefined;
  const argv = sandboxArgv(start, relayDir);
  const child = spawn(argv[0]!, argv.slice(1), {
    env: sandboxEnvironment(policy, start.paths as SandboxPaths, start.env ?? process.env),
    stdio: start.stdio === "pipe" ? ["ignore", "pipe", "pipe"] : "inherit",
  });
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
  let server: Server | undefined;
  // The host's port and the sandbox's socket come up concurrently: the host listens at once (a
  // connection waits for the socket), the socket appears when the plugin listens inside.
  const ready = (async () => {
    if (!relayDir || start.port === undefined) return;
    const socket = join(relayDir, "port.sock");
    const socketReady = whenSocket(
      socket,
      exited.then((code) => (failure ? failure.message : `exited (${code}) before listening`)),
    );
    socketReady.catch(() => {});
    server = await relayPort(start.port, socket, socketReady);
    await socketReady;
  })();
  ready.catch(() => {});
  const cleanup = async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (relayDir) await rm(relayDir, { recursive: true, force: true });
  };
  exited.then(cleanup, cleanup);
  return {
    child,
    argv,
    ready,
    exited,
    async stop() {
      if (status === undefined) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
        await exited;
        clearTimeout(timer);
      }
      await cleanup();
    },
  };
}
