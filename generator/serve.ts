/**
 * A static server for previewing a build (`finfocus-registry serve`): content types, ETag and
 * If-None-Match, gzip, 404 pages, and the demo artifacts under /artifacts/. It is not a production
 * server; it refuses anything that could leave its folders (`..`, encoded or not, backslashes,
 * NUL, symlinks pointing outside, dotfiles but /.well-known/).
 */
import { createHash } from "node:crypto";
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { API_ROOT } from "../core/api/paths.ts";
import { parseRestPath, staticPathFor } from "../core/api/rest-paths.ts";
import { htmlText } from "../core/text/html.ts";
import { notFoundDocument } from "./not-found.ts";

export interface ServeOptions {
  /** The build output folder. */
  dir: string;
  /** Served under /artifacts/ (flat: files directly in it), e.g. demo/artifacts. */
  artifactsDir?: string;
}

const TYPES: Record<string, string> = {
  ".json": "application/json; charset=utf-8",
  ".xml": "application/atom+xml; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".webmanifest": "application/manifest+json",
  ".gz": "application/gzip",
  ".tgz": "application/gzip",
  ".zip": "application/zip",
  ".wasm": "application/wasm",
  ".pf_meta": "application/octet-stream",
};

/** The Content-Type for a file name (tar.gz and zip included); octet-stream when unknown. */
export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

const COMPRESSIBLE = /^(text\/|application\/(json|atom\+xml|manifest\+json)|image\/svg\+xml)/;

/**
 * The file under `root` that a URL path names, or undefined when the path is unsafe or hidden.
 * Pure: tested without a server.
 */
export function resolveUrlPath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return undefined;
  const segments = decoded.split("/").filter((s) => s !== "");
  for (const [i, s] of segments.entries()) {
    if (s === "." || s === "..") return undefined;
    if (s.startsWith(".") && !(i === 0 && s === ".well-known")) return undefined;
  }
  const full = path.resolve(root, ...segments);
  const rel = path.relative(root, full);
  return rel.startsWith("..") || path.isAbsolute(rel) ? undefined : full;
}

interface Found {
  file: string;
  bytes: Buffer;
}

/** Reads a regular file whose real path stays inside `root`'s real path. */
async function readInside(root: string, file: string): Promise<Found | undefined> {
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
    const rel = path.relative(realRoot, realFile);
    if (rel.startsWith("..") || path.isAbsolute(rel)) return undefined;
    const info = await stat(realFile);
    if (info.isDirectory()) {
      return readInside(root, path.join(file, "index.html"));
    }
    if (!info.isFile()) return undefined;
    return { file: realFile, bytes: await readFile(realFile) };
  } catch {
    return undefined;
  }
}

function acceptsGzip(req: IncomingMessage): boolean {
  const header = String(req.headers["accept-encoding"] ?? "");
  return header.split(",").some((part) => {
    const [coding, ...params] = part.trim().split(";");
    if (coding?.trim().toLowerCase() !== "gzip") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

function matchesEtag(req: IncomingMessage, etag: string): boolean {
  const header = req.headers["if-none-match"];
  if (!header) return false;
  const bare = (t: string) => t.trim().replace(/^W\//, "");
  return header.split(",").some((t) => t.trim() === "*" || bare(t) === bare(etag));
}

function send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: Buffer): void {
  const compress = COMPRESSIBLE.test(type) && body.length > 0 && acceptsGzip(req);
  const etag = `"${createHash("sha256").update(body).digest("hex").slice(0, 32)}${compress ? "-gz" : ""}"`;
  const headers: Record<string, string | number> = {
    "Content-Type": type,
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    Vary: "Accept-Encoding",
  };
  if (status === 200) headers.ETag = etag;
  if (status === 200 && matchesEtag(req, etag)) {
    res.writeHead(304, { ETag: etag, "Cache-Control": "no-cache", Vary: "Accept-Encoding" });
    res.end();
    return;
  }
  const payload = compress ? gzipSync(body) : body;
  if (compress) headers["Content-Encoding"] = "gzip";
  headers["Content-Length"] = payload.length;
  res.writeHead(status, headers);
  res.end(req.method === "HEAD" ? undefined : payload);
}

async function notFound(
  req: IncomingMessage,
  res: ServerResponse,
  dir: string,
  urlPath: string,
): Promise<void> {
  if (urlPath.startsWith("/api/")) {
    const doc = await notFoundDocument(urlPath, async (rel) => {
      const full = resolveUrlPath(dir, rel);
      return full ? (await readInside(dir, full))?.bytes : undefined;
    });
    send(req, res, 404, TYPES[".json"]!, Buffer.from(`${JSON.stringify(doc, null, 2)}\n`));
    return;
  }
  const page = await readInside(dir, path.join(dir, "404.html"));
  if (page) send(req, res, 404, TYPES[".html"]!, page.bytes);
  else send(req, res, 404, TYPES[".txt"]!, Buffer.from("404 Not Found\n"));
}

/**
 * The static document's path for a request on one of the specification's REST paths
 * (core/api/rest-paths.ts): always below /api/v1/ (`GET /api/v1/plugins/<name>`), and at the site
 * root (`GET /plugins/<name>`) for clients that ask for JSON, since the site's pages live there.
 */
export function restTarget(urlPath: string, accept: string | undefined): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const api = `/${API_ROOT}`;
  const wantsJson = /application\/json/i.test(accept ?? "") && !/text\/html/i.test(accept ?? "");
  const rest = decoded.startsWith(api) ? decoded.slice(api.length) : wantsJson ? decoded.slice(1) : undefined;
  const request = rest === undefined ? undefined : parseRestPath(rest);
  const target = request && staticPathFor(request);
  return target ? `/${target}` : undefined;
}

/**
 * The /artifacts/ page, so the URL `serve` prints answers: plain text naming each file of the
 * artifacts folder (one per line, hidden characters labelled), each served below it by name.
 */
async function artifactIndex(dir: string): Promise<string> {
  const names = (await readdir(dir, { withFileTypes: true }).catch(() => []))
    .filter((e) => e.isFile() && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort();
  const lines = names.map((n) => `${htmlText(n).replace(/[\r\n]/g, "?")}\n`).join("");
  return `Artifacts for --artifact-mirror: ${names.length} file(s), each at /artifacts/<name>\n\n${lines}`;
}

/** The request handler (exported for tests that want their own server). */
export function staticHandler(options: ServeOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const dir = path.resolve(options.dir);
  const artifacts = options.artifactsDir ? path.resolve(options.artifactsDir) : undefined;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD", "Content-Type": "text/plain; charset=utf-8" });
      res.end("405 Method Not Allowed\n");
      return;
    }
    const asked = (req.url ?? "/").split(/[?#]/)[0] ?? "/";
    if (!asked.startsWith("/")) {
      send(req, res, 400, TYPES[".txt"]!, Buffer.from("400 Bad Request\n"));
      return;
    }
    const urlPath = restTarget(asked, req.headers.accept) ?? asked;
    if (artifacts && (urlPath === "/artifacts/" || urlPath === "/artifacts")) {
      send(req, res, 200, TYPES[".txt"]!, Buffer.from(await artifactIndex(artifacts)));
      return;
    }
    const [root, rest] =
      artifacts && urlPath.startsWith("/artifacts/")
        ? [artifacts, urlPath.slice("/artifacts".length)]
        : [dir, urlPath];
    const target = resolveUrlPath(root, rest);
    const found = target ? await readInside(root, target) : undefined;
    if (!found) {
      await notFound(req, res, dir, urlPath);
      return;
    }
    if (
      urlPath.endsWith("/") === false &&
      path.basename(found.file) === "index.html" &&
      !rest.endsWith("index.html")
    ) {
      res.writeHead(301, { Location: `${urlPath}/` });
      res.end();
      return;
    }
    send(req, res, 200, contentType(found.file), found.bytes);
  };
  return (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("500 Internal Server Error\n");
    });
  };
}

/** Starts the preview server; resolves once it listens (port 0 picks a free port). */
export function serve(
  options: ServeOptions & { port: number; host: string },
): Promise<{ server: Server; url: string }> {
  const server = createServer(staticHandler(options));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : options.port;
      const host = options.host.includes(":") ? `[${options.host}]` : options.host;
      resolve({ server, url: `http://${host}:${port}/` });
    });
  });
}
