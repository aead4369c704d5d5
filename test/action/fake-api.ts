/** A loopback stand-in for the GitHub REST and GraphQL APIs, for the black-box tests of the Action. */
import { execFile } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { containsCommit } from "../../core/gate/changes.ts";

const execFileAsync = promisify(execFile);

export interface ApiUser {
  id: number;
  login: string;
  type: string;
}

export interface ApiComment {
  id: number;
  body: string;
  user: ApiUser;
}

export interface ApiReview {
  id: number;
  user: { id: number; login: string } | null;
  state: string;
  commit_id: string;
  submitted_at: string | null;
}

/** The account GITHUB_TOKEN acts as (REST `user`; GraphQL `viewer`). */
export const ACTIONS_BOT: ApiUser = { id: 41898282, login: "github-actions[bot]", type: "Bot" };

/** GitHub lists at most this many files of a pull request. */
const FILES_CAP = 3000;

/** A loopback stand-in for the GitHub API: comments, reviews, PR files, git objects of one repository. */
export interface FakeApi {
  url: string;
  comments: ApiComment[];
  requests: string[];
  /** PR files served (paginated, capped at 3,000 like GitHub) by GET /repos/:o/:r/pulls/:n/files. */
  files: { filename: string; status: string; previous_filename?: string }[];
  /** What GET /repos/:o/:r/pulls/:n reports; changed_files defaults to files.length, head to headSha. */
  pull: { headSha?: string; changedFiles?: number };
  /** A page of the files listing that goes wrong: answered with no files, or with an error status. */
  filesFault?: { page: number; status?: number };
  /** Reviews served by GET /repos/:o/:r/pulls/:n/reviews. */
  reviews: ApiReview[];
  /** Open pull requests served by GET /repos/:o/:r/pulls. */
  pulls: { number: number; head: { sha: string } }[];
  /** Who the token is (GraphQL viewer, and the author of comments it creates). */
  viewer: ApiUser;
  /** When set, GraphQL answers this status. */
  graphqlStatus?: number;
  /** When set, comment writes answer this status (a read-only token). */
  writeStatus?: number;
  /** When set, the git database API (commits, trees, blobs) is served from this git repository. */
  gitFrom?: string;
  /**
   * What GET /repos/:o/:r/compare/:base...:head answers as `status`; by default found with git in
   * `gitFrom` ("ahead" when the base is in the head, else "diverged"), or "ahead" without it.
   */
  compareStatus?: string;
  /** The pull request's labels, as POST and DELETE /repos/:o/:r/issues/:n/labels leave them. */
  labels: string[];
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

function json(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(value));
}

async function gitObjects(dir: string, kind: string, sha: string, res: ServerResponse): Promise<void> {
  const run = (args: string[]) =>
    execFileAsync("git", args, { cwd: dir, encoding: "buffer", maxBuffer: 1 << 28 }).then(
      (r) => r.stdout as Buffer,
    );
  try {
    if (kind === "commits") {
      const tree = (await run(["rev-parse", `${sha}^{tree}`])).toString().trim();
      return json(res, 200, { sha, tree: { sha: tree } });
    }
    if (kind === "trees") {
      if ((await run(["cat-file", "-t", sha])).toString().trim() !== "tree") throw new Error("not a tree");
      const tree = (await run(["ls-tree", "-z", sha]))
        .toString()
        .split("\0")
        .filter(Boolean)
        .map((line) => {
          const [meta = "", path = ""] = line.split("\t");
          const [mode, type, oid] = meta.split(" ");
          return { path, mode, type, sha: oid };
        });
      return json(res, 200, { sha, tree, truncated: false });
    }
    const bytes = await run(["cat-file", "blob", sha]);
    return json(res, 200, { sha, size: bytes.length, encoding: "base64", content: bytes.toString("base64") });
  } catch {
    return json(res, 404, { message: "Not Found" });
  }
}

/**
 * GET /repos/:o/:r/contents/:path?ref=: raw bytes of a file, or a listing of a folder. The gate
 * reads git objects instead; this is here so older gates can be run against the same server.
 */
async function contentsApi(dir: string, url: URL, path: string, res: ServerResponse): Promise<void> {
  const spec = `${url.searchParams.get("ref")}:${decodeURIComponent(path)}`;
  const run = (args: string[]) =>
    execFileAsync("git", args, { cwd: dir, encoding: "buffer" }).then((r) => r.stdout as Buffer);
  try {
    if ((await run(["cat-file", "-t", spec])).toString().trim() === "tree") {
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
    res
      .writeHead(200, { "content-type": "application/octet-stream" })
      .end(await run(["cat-file", "blob", spec]));
  } catch {
    json(res, 404, { message: "Not Found" });
  }
}

export async function fakeApi(): Promise<FakeApi> {
  const api: FakeApi = {
    url: "",
    comments: [],
    labels: [],
    requests: [],
    files: [],
    pull: {},
    reviews: [],
    pulls: [],
    viewer: ACTIONS_BOT,
    close: async () => {},
  };
  let nextId = 100;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    api.requests.push(`${req.method} ${url.pathname}`);
    const text = await body(req);
    const repo = /^\/repos\/[^/]+\/[^/]+/.exec(url.pathname)?.[0] ?? "";
    const path = url.pathname.slice(repo.length);
    if (req.method === "POST" && url.pathname === "/graphql") {
      if (api.graphqlStatus) return json(res, api.graphqlStatus, { message: "Forbidden" });
      return json(res, 200, { data: { viewer: { databaseId: api.viewer.id, login: api.viewer.login } } });
    }
    if (req.method === "GET" && /^\/issues\/\d+\/comments$/.test(path)) return json(res, 200, api.comments);
    if (req.method === "GET" && path === "/pulls") return json(res, 200, api.pulls);
    const pull = /^\/pulls\/(\d+)$/.exec(path);
    if (req.method === "GET" && pull) {
      return json(res, 200, {
        number: Number(pull[1]),
        head: { sha: api.pull.headSha ?? "" },
        changed_files: api.pull.changedFiles ?? api.files.length,
      });
    }
    if (req.method === "GET" && /^\/pulls\/\d+\/reviews$/.test(path)) return json(res, 200, api.reviews);
    if (req.method === "GET" && /^\/pulls\/\d+\/files$/.test(path)) {
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const page = Number(url.searchParams.get("page") ?? 1);
      if (api.filesFault?.page === page) {
        if (api.filesFault.status) return json(res, api.filesFault.status, { message: "Server Error" });
        return json(res, 200, []);
      }
      const listed = api.files.slice(0, FILES_CAP);
      const items = listed.slice((page - 1) * perPage, page * perPage);
      const last = Math.max(1, Math.ceil(listed.length / perPage));
      const link = (p: number) => `<${api.url}${url.pathname}?per_page=${perPage}&page=${p}>`;
      const links = page < last ? { link: `${link(page + 1)}; rel="next", ${link(last)}; rel="last"` } : {};
      return json(res, 200, items, links);
    }
    const compare = /^\/compare\/([0-9a-f]+)\.\.\.([0-9a-f]+)$/.exec(path);
    if (req.method === "GET" && compare) {
      const status =
        api.compareStatus ??
        (api.gitFrom
          ? (await containsCommit(api.gitFrom, compare[1]!, compare[2]!))
            ? "ahead"
            : "diverged"
          : "ahead");
      return json(res, 200, { status, commits: [], files: [] });
    }
    const git = /^\/git\/(commits|trees|blobs)\/([0-9a-f]+)$/.exec(path);
    if (req.method === "GET" && git && api.gitFrom) return gitObjects(api.gitFrom, git[1]!, git[2]!, res);
    const contents = /^\/contents\/(.*)$/.exec(path);
    if (req.method === "GET" && contents && api.gitFrom)
      return contentsApi(api.gitFrom, url, contents[1]!, res);
    if (api.writeStatus && (req.method === "POST" || req.method === "PATCH")) {
      return json(res, api.writeStatus, { message: "Resource not accessible by integration" });
    }
    if (req.method === "POST" && /^\/issues\/\d+\/comments$/.test(path)) {
      const comment = { id: nextId++, body: JSON.parse(text).body, user: api.viewer };
      api.comments.push(comment);
      return json(res, 201, comment);
    }
    if (req.method === "POST" && /^\/issues\/\d+\/labels$/.test(path)) {
      for (const label of JSON.parse(text).labels as string[])
        if (!api.labels.includes(label)) api.labels.push(label);
      return json(
        res,
        200,
        api.labels.map((name) => ({ name })),
      );
    }
    const label = /^\/issues\/\d+\/labels\/(.+)$/.exec(path);
    if (req.method === "DELETE" && label) {
      const name = decodeURIComponent(label[1]!);
      if (!api.labels.includes(name)) return json(res, 404, { message: "Label does not exist" });
      api.labels = api.labels.filter((l) => l !== name);
      return json(
        res,
        200,
        api.labels.map((n) => ({ name: n })),
      );
    }
    const patch = /^\/issues\/comments\/(\d+)$/.exec(path);
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
