/** A loopback stand-in for the GitHub REST API, for the black-box tests of the Action. */
import { execFile } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export interface ApiComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

/** A loopback stand-in for the GitHub REST API: comments of one repository, PR files. */
export interface FakeApi {
  url: string;
  comments: ApiComment[];
  requests: string[];
  /** PR files served by GET /repos/:o/:r/pulls/:n/files. */
  files: { filename: string; status: string; previous_filename?: string }[];
  /** Open pull requests served by GET /repos/:o/:r/pulls. */
  pulls: { number: number; head: { sha: string } }[];
  /** When set, comment writes answer this status (a read-only token). */
  writeStatus?: number;
  /** When set, GET /repos/:o/:r/contents/:path?ref= is served from this git repository. */
  contentsFrom?: string;
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    req.on("data", (chunk) => {
      text += chunk;
    });
    req.on("end", () => resolve(text));
  });
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

export async function fakeApi(): Promise<FakeApi> {
  const api: FakeApi = { url: "", comments: [], requests: [], files: [], pulls: [], close: async () => {} };
  let nextId = 100;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    api.requests.push(`${req.method} ${url.pathname}`);
    const text = await body(req);
    if (req.method === "GET" && /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/.test(url.pathname)) {
      return json(res, 200, api.comments);
    }
    if (req.method === "GET" && /^\/repos\/[^/]+\/[^/]+\/pulls$/.test(url.pathname)) {
      return json(res, 200, api.pulls);
    }
    if (req.method === "GET" && /^\/repos\/[^/]+\/[^/]+\/pulls\/\d+\/files$/.test(url.pathname)) {
      return json(res, 200, api.files);
    }
    const contents = /^\/repos\/[^/]+\/[^/]+\/contents\/(.*)$/.exec(url.pathname);
    if (req.method === "GET" && contents && api.contentsFrom) {
      const spec = `${url.searchParams.get("ref")}:${decodeURIComponent(contents[1]!)}`;
      const run = (args: string[]) =>
        execFileAsync("git", args, { cwd: api.contentsFrom, encoding: "buffer" }).then(
          (r) => r.stdout as Buffer,
        );
      try {
        const type = (await run(["cat-file", "-t", spec])).toString().trim();
        if (type === "tree") {
          const names = (await run(["ls-tree", "--name-only", "-z", spec]))
            .toString()
            .split("\0")
            .filter(Boolean);
          return json(
            res,
            200,
            names.map((name) => ({ name, type: "file" })),
          );
        }
        const bytes = await run(["cat-file", "blob", spec]);
        res.writeHead(200, { "content-type": "application/octet-stream" }).end(bytes);
        return;
      } catch {
        return json(res, 404, { message: "Not Found" });
      }
    }
    if (api.writeStatus && (req.method === "POST" || req.method === "PATCH")) {
      return json(res, api.writeStatus, { message: "Resource not accessible by integration" });
    }
    if (req.method === "POST" && /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/.test(url.pathname)) {
      const comment = {
        id: nextId++,
        body: JSON.parse(text).body,
        user: { login: "github-actions[bot]", type: "Bot" },
      };
      api.comments.push(comment);
      return json(res, 201, comment);
    }
    const patch = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (req.method === "PATCH" && patch) {
      const comment = api.comments.find((c) => c.id === Number(patch[1]));
      if (!comment) return json(res, 404, { message: "Not Found" });
      comment.body = JSON.parse(text).body;
      return json(res, 200, comment);
    }
    json(res, 404, { message: "Not Found" });
  });
  // On a loaded machine the Action can pause for seconds between requests; with Node's default 5 s
  // keep-alive the server may close a socket the client is reusing ("other side closed").
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () => new Promise((resolve) => server.close(() => resolve()));
  return api;
}
