/**
 * A test plugin that tries what a hostile plugin would and reports what happened, one JSON line
 * per attempt on stdout: read a file, write a file, connect to a port, read the environment,
 * allocate memory. With `--port=N` it also serves a plain TCP echo on 127.0.0.1:N.
 *
 * Usage: probe-plugin [read:PATH] [write:PATH] [connect:PORT] [env:NAME] [alloc:MIB] [--port=N]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";

function report(attempt: string, ok: boolean, detail = ""): void {
  process.stdout.write(`${JSON.stringify({ attempt, ok, detail })}\n`);
}

function tryConnect(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, timeout: 2000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.once("timeout", () => {
      socket.destroy();
      resolve("timeout");
    });
  });
}

let serving = false;
for (const arg of process.argv.slice(2)) {
  const [verb, ...rest] = arg.split(":");
  const value = rest.join(":");
  try {
    if (verb === "read") report(arg, true, readFileSync(value, "utf8").slice(0, 100));
    else if (verb === "write") {
      writeFileSync(value, "written by the plugin");
      report(arg, true);
    } else if (verb === "connect") {
      const error = await tryConnect(Number(value));
      report(arg, error === undefined, error ?? "");
    } else if (verb === "env") report(arg, process.env[value] !== undefined, process.env[value] ?? "");
    else if (verb === "alloc") {
      const chunks: Buffer[] = [];
      for (let i = 0; i < Number(value); i += 16) chunks.push(Buffer.allocUnsafeSlow(16 * 1024 * 1024));
      report(arg, true, `${chunks.length * 16} MiB`);
    } else if (verb?.startsWith("--port=")) {
      serving = true;
      createServer((socket) => socket.end("hello from the plugin\n")).listen(
        Number(verb.slice(7)),
        "127.0.0.1",
      );
    }
  } catch (error) {
    report(arg, false, (error as NodeJS.ErrnoException).code ?? String(error));
  }
}
if (!serving) process.exit(0);
