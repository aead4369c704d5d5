/**
 * A test plugin that tries what a hostile plugin would and reports what happened, one JSON line
 * per attempt on stdout: read a file, write a file, connect to a port, read the environment,
 * allocate memory. With `--port=N` it also serves a plain TCP echo on 127.0.0.1:N.
 *
 * Started with only `--port=N` (as the FinFocus CLI starts plugins), it takes its attempts from
 * `probes.txt` beside it, one per line, and answers every connection with its report lines.
 *
 * `--echo` makes the server echo what it reads instead (until the client closes its side).
 * `spawn:PATH` starts the program PATH as a child process and waits for it.
 * `on-sigterm:PATH` stays running until SIGTERM (or SIGINT), then writes PATH, naming the signal,
 * and exits with status 7;
 * `ignore-sigterm` stays running and only reports a SIGTERM (SIGKILL has to stop it).
 *
 * Usage: probe-plugin [read:PATH] [write:PATH] [connect:PORT] [env:NAME] [alloc:MIB] [spawn:PATH] [on-sigterm:PATH]
 *   [ignore-sigterm] [--echo] [--port=N]
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";

const reports: string[] = [];
function report(attempt: string, ok: boolean, detail = ""): void {
  const line = `${JSON.stringify({ attempt, ok, detail })}\n`;
  reports.push(line);
  process.stdout.write(line);
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

const fromFile = (() => {
  try {
    return readFileSync(new URL("./probes.txt", import.meta.url), "utf8")
      .split("\n")
      .filter(Boolean);
  } catch {
    return [];
  }
})();
let serving = false;
let waiting = false;
for (const arg of [...fromFile, ...process.argv.slice(2)]) {
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
    } else if (verb === "spawn") {
      const child = spawnSync(value, { encoding: "utf8" });
      const code = (child.error as NodeJS.ErrnoException | undefined)?.code;
      report(arg, child.status === 0, code ?? `exit ${child.status}`);
    } else if (verb === "on-sigterm") {
      waiting = true;
      for (const signal of ["SIGTERM", "SIGINT"] as const) {
        process.on(signal, () => {
          writeFileSync(value, `stopped cleanly on ${signal}\n`);
          process.exit(7);
        });
      }
      report(arg, true);
    } else if (verb === "ignore-sigterm") {
      waiting = true;
      process.on("SIGTERM", () => report("SIGTERM", true, "ignored"));
      report(arg, true);
    } else if (verb?.startsWith("--port=")) {
      serving = true;
      createServer((socket) => {
        // A client may leave at once (the port relay's readiness check does): not a crash.
        socket.on("error", () => {});
        if (process.argv.includes("--echo")) socket.pipe(socket);
        else socket.end(fromFile.length ? reports.join("") : "hello from the plugin\n");
      }).listen(Number(verb.slice(7)), "127.0.0.1");
    }
  } catch (error) {
    report(arg, false, (error as NodeJS.ErrnoException).code ?? String(error));
  }
}
if (waiting) setInterval(() => {}, 60_000);
else if (!serving) process.exit(0);
