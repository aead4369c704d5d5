/**
 * Starts a plugin the way the FinFocus CLI's process launcher does (docs/finfocus.md): the binary
 * by its path, a free loopback port reserved and released, the arguments `--port=<port>`, the
 * parent's environment plus `FINFOCUS_PLUGIN_PORT=<port>`, the working directory unchanged; then
 * it waits until 127.0.0.1:<port> accepts connections, or, after a few seconds, for the port an
 * older plugin prints on stdout (`PORT=<n>` or a bare number) instead.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { connect, createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { launchContract } from "../../core/finfocus/cli-layout.ts";

export interface LaunchOptions {
  /** How long the plugin may take to listen (the CLI allows 60 s). Default 30 s. */
  timeoutMs?: number;
  /** How long to wait on the assigned port before reading stdout for another (the CLI's 5 s). */
  stdoutFallbackMs?: number;
  /** Extra environment, over the parent's (the CLI adds log-file and trace-id variables). */
  env?: Record<string, string>;
}

export interface LaunchedPlugin {
  binary: string;
  args: string[];
  port: number;
  address: string;
  pid: number;
  /** Stops the plugin (SIGTERM, then SIGKILL after 2 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/** A port the kernel just handed out on 127.0.0.1 and that is free again. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

/** Whether 127.0.0.1:`port` accepts a connection now. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, timeout: 100 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket
      .once("connect", () => done(true))
      .once("error", () => done(false))
      .once("timeout", () => done(false));
  });
}

/** The port an older plugin announces on stdout: `PORT=<n>` (any case) or a bare number. */
export function portFromStdout(text: string): number | undefined {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const value = /^port=/i.test(line) ? line.slice(line.indexOf("=") + 1).trim() : line;
    if (/^\d{1,5}$/.test(value) && Number(value) > 0 && Number(value) <= 65535) return Number(value);
  }
  return undefined;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
    await exited;
    clearTimeout(timer);
  };
}

/** Starts `binary` as the FinFocus CLI would and resolves once it listens; throws with its output otherwise. */
export async function launchPlugin(binary: string, options: LaunchOptions = {}): Promise<LaunchedPlugin> {
  const port = await freePort();
  const contract = launchContract(port);
  const child = spawn(binary, contract.args, {
    env: { ...process.env, ...options.env, ...contract.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    if (stdout.length < 65536) stdout += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    if (stderr.length < 65536) stderr += chunk.toString("utf8");
  });
  let failure: Error | undefined;
  child.once("error", (error) => {
    failure = error;
  });
  const stop = stopper(child);
  const started = Date.now();
  const timeout = options.timeoutMs ?? 30_000;
  const fallbackAt = started + (options.stdoutFallbackMs ?? 5000);
  let target = port;
  while (Date.now() - started < timeout) {
    if (failure) break;
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await accepts(target)) {
      return {
        binary,
        args: contract.args,
        port: target,
        address: `127.0.0.1:${target}`,
        pid: child.pid!,
        stop,
      };
    }
    if (target === port && Date.now() >= fallbackAt) target = portFromStdout(stdout) ?? port;
    await sleep(100);
  }
  const why = failure
    ? failure.message
    : child.exitCode !== null || child.signalCode !== null
      ? `exited (${child.exitCode ?? child.signalCode}) before listening`
      : `did not listen on 127.0.0.1:${port} within ${timeout} ms`;
  await stop();
  const output = stderr.trim() || stdout.trim();
  throw new Error(`${binary} ${why}${output ? `: ${output.slice(-2000)}` : ""}`);
}
