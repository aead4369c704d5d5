/**
 * A loopback static server for the built site, mounted under a base path like GitHub Pages:
 * `/base/x/` serves `x/index.html`; anything missing gets `404.html` with status 404.
 */
import { readFile, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".xml": "application/xml; charset=utf-8",
  ".atom": "application/atom+xml; charset=utf-8",
};

export interface StaticServer {
  origin: string;
  /** origin + base, ending in "/". */
  url: string;
  /** Bytes sent per path, to measure what one page or query transfers. */
  sent: Map<string, number>;
  close(): Promise<void>;
}

async function fileFor(root: string, rel: string): Promise<string | undefined> {
  const path = normalize(join(root, rel));
  if (path !== root && !path.startsWith(root + sep)) return undefined;
  try {
    const s = await stat(path);
    if (s.isFile()) return path;
    if (s.isDirectory()) {
      const index = join(path, "index.html");
      if ((await stat(index)).isFile()) return index;
    }
  } catch {}
  return undefined;
}

/** Serves `root` at `http://127.0.0.1:<port><base>`. */
export async function serveStatic(root: string, base = "/"): Promise<StaticServer> {
  const sent = new Map<string, number>();
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      path = "/\0";
    }
    const file = path.startsWith(base) ? await fileFor(root, path.slice(base.length)) : undefined;
    if (file) {
      if (path.endsWith("/") === false && file.endsWith(`${sep}index.html`) && !path.endsWith(".html")) {
        res.writeHead(301, { location: `${url.pathname}/` }).end();
        return;
      }
      const body = await readFile(file);
      sent.set(url.pathname, (sent.get(url.pathname) ?? 0) + body.length);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body);
      return;
    }
    const notFound = await readFile(join(root, "404.html")).catch(() => Buffer.from("Not found"));
    res.writeHead(404, { "content-type": "text/html; charset=utf-8" }).end(notFound);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: origin + base,
    sent,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
