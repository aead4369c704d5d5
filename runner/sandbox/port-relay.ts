/**
 * The host's half of the port relay: once the sandbox's relay has created its Unix socket (the
 * plugin listens inside), listen on the host's 127.0.0.1:<port>, the port the FinFocus host chose,
 * and pipe every connection to that socket. The plugin never sees the host's network.
 */
import { stat } from "node:fs/promises";
import { connect, createServer, type Server } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** Resolves once `path` exists, or rejects when `gaveUp()` says to stop waiting. */
export async function waitForSocket(path: string, gaveUp: () => string | undefined): Promise<void> {
  for (;;) {
    if (
      await stat(path).then(
        (s) => s.isSocket(),
        () => false,
      )
    )
      return;
    const why = gaveUp();
    if (why) throw new Error(why);
    await sleep(2);
  }
}

/** Listens on 127.0.0.1:`port` and forwards each connection to the Unix socket `socketPath`. */
export async function relayPort(port: number, socketPath: string): Promise<Server> {
  const server = createServer((outer) => {
    const inner = connect(socketPath);
    outer.pipe(inner).pipe(outer);
    outer.once("error", () => inner.destroy());
    inner.once("error", () => outer.destroy());
    outer.once("close", () => inner.destroy());
    inner.once("close", () => outer.destroy());
  });
  await new Promise<void>((resolve, reject) =>
    server.once("error", reject).listen(port, "127.0.0.1", resolve),
  );
  return server;
}
