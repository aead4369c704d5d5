/** A loopback static server for tests: ETags, request counts and per-path misbehaviour. */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Handler = (req: IncomingMessage, res: ServerResponse) => boolean | undefined;

export interface StaticServer {
  url: string;
  files: Map<string, Uint8Array>;
  /** Path → how many GETs it received. */
  hits: Map<string, number>;
  /** Runs before the static answer; return true when it answered. */
  handlers: Map<string, Handler>;
  /** Authorization headers seen. */
  auth: string[];
  /** Every request's headers, in order. */
  seenHeaders: Record<string, string | string[] | undefined>[];
  close(): Promise<void>;
  total(prefix?: string): number;
}

export async function startServer(): Promise<StaticServer> {
  const files = new Map<string, Uint8Array>();
  const hits = new Map<string, number>();
  const handlers = new Map<string, Handler>();
  const auth: string[] = [];
  const seenHeaders: Record<string, string | string[] | undefined>[] = [];
  const server = createServer((req, res) => {
    seenHeaders.push({ ...req.headers });
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (req.headers.authorization) auth.push(req.headers.authorization);
    const handler = handlers.get(path);
    if (handler?.(req, res)) return;
    const body = files.get(path);
    if (!body) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ code: "NOT_FOUND", message: path }));
      return;
    }
    const etag = `"${createHash("sha1").update(body).digest("hex")}"`;
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, { etag });
      res.end();
      return;
    }
    res.writeHead(200, { etag, "content-length": body.byteLength });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    files,
    hits,
    handlers,
    auth,
    seenHeaders,
    total: (prefix = "/") => [...hits].filter(([p]) => p.startsWith(prefix)).reduce((s, [, c]) => s + c, 0),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
