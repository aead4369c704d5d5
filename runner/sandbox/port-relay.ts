/**
 * The port relay. Its sandbox half (relay.pl) runs in the sandbox's network namespace and nothing
 * else of the sandbox; the host half listens on 127.0.0.1:<port> (the port the FinFocus
 * host chose) as soon as the plugin starts, and pipes every connection to the Unix socket the
 * sandbox's relay creates once the plugin listens inside; a connection that arrives earlier waits
 * for that socket. The socket's appearance is an inotify event (no polling). The plugin never sees
 * the host's network.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { watch } from "node:fs";
import { stat } from "node:fs/promises";
import { connect, createServer, type Server } from "node:net";
import { basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { findTool, PERL, RELAY_SETNS } from "./probe.ts";

const RELAY = fileURLToPath(new URL("./relay.pl", import.meta.url));

/**
 * Starts relay.pl in the network namespace of the sandbox whose first process is `sandboxPid`: it
 * listens on the Unix socket `socket` once the plugin listens on `port` there, and exits when its
 * standard input (a pipe this process holds) closes. On x86-64 and arm64 the relay joins the
 * namespaces itself (one process start, and it works unprivileged); elsewhere util-linux's nsenter
 * joins the sandbox's user and network namespaces for it (enough when running as root).
 */
export function startRelay(sandboxPid: number, socket: string, port: number): ChildProcess {
  const ns = `/proc/${sandboxPid}/ns`;
  const setns = RELAY_SETNS[process.arch];
  const relay = [PERL, RELAY, socket, String(port)];
  const [command, ...args] =
    setns !== undefined
      ? [...relay, `${ns}/net`, String(setns)]
      : [
          findTool("nsenter") ?? "nsenter",
          `--user=${ns}/user`,
          `--net=${ns}/net`,
          "--preserve-credentials",
          "--",
          ...relay,
        ];
  return spawn(command!, args, {
    env: { PATH: "/usr/bin:/bin" },
    stdio: ["pipe", "ignore", "inherit"],
    // Out of the caller's process group (a Ctrl-C is for the plugin); it exits when its stdin closes.
    detached: true,
  });
}

const isSocket = (path: string) =>
  stat(path).then(
    (s) => s.isSocket(),
    () => false,
  );

/**
 * Resolves once the Unix socket `path` exists (watching its folder), or rejects with the reason
 * `gaveUp` resolves with first (the plugin exited before listening).
 */
export function whenSocket(path: string, gaveUp: Promise<string>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const name = basename(path);
    const watcher = watch(dirname(path), (_event, file) => {
      if (file === null || file === name) void check();
    });
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      watcher.close();
      if (error) reject(error);
      else resolve();
    };
    const check = async () => {
      if (await isSocket(path)) finish();
    };
    watcher.once("error", (error) => finish(error));
    gaveUp.then((why) => finish(new Error(why)));
    // The socket may have appeared before the watch began.
    void check();
  });
}

/**
 * Listens on 127.0.0.1:`port` and forwards each connection to the Unix socket `socketPath` once
 * `socketReady` resolves (a connection is closed when it rejects).
 */
export async function relayPort(
  port: number,
  socketPath: string,
  socketReady: Promise<void> = Promise.resolve(),
): Promise<Server> {
  // Half-open allowed on both sides: a client that closes its writing half still gets the answer.
  const server = createServer({ allowHalfOpen: true }, (outer) => {
    outer.once("error", () => outer.destroy());
    socketReady.then(
      () => {
        if (outer.destroyed) return;
        const inner = connect({ path: socketPath, allowHalfOpen: true });
        outer.pipe(inner).pipe(outer);
        inner.once("error", () => outer.destroy());
        outer.once("error", () => inner.destroy());
        outer.once("close", () => inner.destroy());
      },
      () => outer.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) =>
    server.once("error", reject).listen(port, "127.0.0.1", resolve),
  );
  return server;
}
