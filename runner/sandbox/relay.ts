/**
 * Runs INSIDE a sandbox that has a network namespace of its own: starts the plugin, waits until
 * it listens on 127.0.0.1:<port> of the sandbox's loopback, then accepts connections on a Unix
 * socket (a file the host also sees) and pipes each to that port. The socket appearing is the
 * host's signal that the plugin is ready. Exits with the plugin's status; passes on SIGTERM/SIGINT.
 *
 * Usage: node relay.ts <socket-path> <port> <command> [args...]
 */
import { spawn } from "node:child_process";
import { connect, createServer } from "node:net";

const [socketPath, portText, command, ...args] = process.argv.slice(2);
const port = Number(portText);
if (!socketPath || !command || !Number.isInteger(port)) {
  process.stderr.write("usage: relay <socket> <port> <command> [args...]\n");
  process.exit(2);
}

const child = spawn(command, args, { stdio: "inherit" });
child.once("error", (error) => {
  process.stderr.write(`${command}: ${error.message}\n`);
  process.exit(127);
});
child.once("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, () => child.kill(signal));

function listening(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

while (!(await listening())) await new Promise((r) => setTimeout(r, 5));
const server = createServer((outer) => {
  const inner = connect({ host: "127.0.0.1", port });
  outer.pipe(inner).pipe(outer);
  outer.once("error", () => inner.destroy());
  inner.once("error", () => outer.destroy());
  outer.once("close", () => inner.destroy());
  inner.once("close", () => outer.destroy());
});
server.listen(socketPath);
