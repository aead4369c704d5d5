/**
 * A loopback stand-in for the GitHub REST API, for the black-box tests of the release Action:
 * releases and their assets (download, upload), and registry repositories backed by real bare git
 * repositories (contents, git data, refs, forks synced with merge-upstream, pull requests). What
 * the Action pushes is a real commit that the registry's gate can then check.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { commitTree, git, gitText, readPath, writeBlob, writeTree } from "./git-store.ts";

export interface Account {
  id: number;
  login: string;
}

export interface FakeAsset {
  id: number;
  name: string;
  bytes: Uint8Array;
}

export interface FakeRelease {
  id: number;
  tag: string;
  assets: FakeAsset[];
}

export interface FakePull {
  number: number;
  repo: string;
  title: string;
  body: string;
  /** owner:branch */
  head: string;
  base: string;
  user: Account;
}

export interface FakeGitHub {
  url: string;
  /** "METHOD /path token-account" for every request. */
  requests: string[];
  /** Repositories by owner/name: a bare git directory, and the upstream for forks. */
  repos: Map<string, { dir: string; defaultBranch: string; upstream?: string }>;
  releases: Map<string, FakeRelease[]>;
  pulls: FakePull[];
  /** Accounts by token: who a request acts as (the pull request's author). */
  tokens: Record<string, Account>;
  /** The webhook payload of a release, as GitHub sends it in a release event. */
  releasePayload(repo: string, tag: string): Record<string, unknown>;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(value));
}

/** Starts the fake API. */
export async function fakeGitHub(): Promise<FakeGitHub> {
  let nextId = 1000;
  const api: FakeGitHub = {
    url: "",
    requests: [],
    repos: new Map(),
    releases: new Map(),
    pulls: [],
    tokens: {},
    releasePayload(repo, tag) {
      const release = api.releases.get(repo)?.find((r) => r.tag === tag);
      if (!release) throw new Error(`no release ${repo}@${tag}`);
      return payloadOf(repo, release);
    },
    close: async () => {},
  };
  const payloadOf = (repo: string, r: FakeRelease) => ({
    id: r.id,
    tag_name: r.tag,
    html_url: `${api.url}/${repo}/releases/tag/${r.tag}`,
    upload_url: `${api.url}/uploads/repos/${repo}/releases/${r.id}/assets{?name,label}`,
    published_at: "2026-11-20T10:00:00Z",
    assets: r.assets.map((a) => assetOf(repo, r, a)),
  });
  const assetOf = (repo: string, r: FakeRelease, a: FakeAsset) => ({
    id: a.id,
    name: a.name,
    browser_download_url: `${api.url}/${repo}/releases/download/${r.tag}/${a.name}`,
  });

  const server = createServer(async (req, res) => {
    try {
      await route(req, res);
    } catch (error) {
      json(res, 500, { message: String(error) });
    }
  });

  /** One request as the routes see it. */
  interface Ctx {
    req: IncomingMessage;
    res: ServerResponse;
    url: URL;
    m: RegExpExecArray;
    who?: Account;
    /** The JSON body, as the route expects it (GitHub's field names). */
    data<T>(): T;
    input: Buffer;
  }
  type Route = [method: string, pattern: RegExp, handler: (c: Ctx) => Promise<void> | void];
  const notFound = (res: ServerResponse) => json(res, 404, { message: "Not Found" });
  const repoOf = (c: Ctx) => api.repos.get(c.m[1]!)!;
  const releaseAsset = (repo: string, find: (r: FakeRelease, a: FakeAsset) => boolean) =>
    api.releases
      .get(repo)
      ?.flatMap((r) => r.assets.map((a) => ({ r, a })))
      .find(({ r, a }) => find(r, a));

  const releaseRoutes: Route[] = [
    [
      "GET",
      /^\/([^/]+\/[^/]+)\/releases\/download\/([^/]+)\/(.+)$/,
      ({ res, m }) => {
        const found = releaseAsset(m[1]!, (r, a) => r.tag === m[2] && a.name === m[3]);
        if (!found) return notFound(res);
        res.writeHead(200, {
          "content-type": "application/octet-stream",
          "content-length": found.a.bytes.byteLength,
        });
        res.end(found.a.bytes);
      },
    ],
    [
      "POST",
      /^\/uploads\/repos\/([^/]+\/[^/]+)\/releases\/(\d+)\/assets$/,
      ({ res, m, url, input }) => {
        const release = api.releases.get(m[1]!)?.find((x) => x.id === Number(m[2]));
        const name = url.searchParams.get("name") ?? "";
        if (!release || !name) return notFound(res);
        if (release.assets.some((a) => a.name === name)) return json(res, 422, { message: "already_exists" });
        const asset = { id: nextId++, name, bytes: new Uint8Array(input) };
        release.assets.push(asset);
        json(res, 201, assetOf(m[1]!, release, asset));
      },
    ],
    [
      "GET",
      /^\/repos\/([^/]+\/[^/]+)\/releases\/tags\/(.+)$/,
      ({ res, m }) => {
        const release = api.releases.get(m[1]!)?.find((x) => x.tag === m[2]);
        return release ? json(res, 200, payloadOf(m[1]!, release)) : notFound(res);
      },
    ],
    [
      "GET",
      /^\/repos\/([^/]+\/[^/]+)\/releases\/assets\/(\d+)$/,
      ({ res, m }) => {
        const found = releaseAsset(m[1]!, (_, a) => a.id === Number(m[2]));
        if (!found) return notFound(res);
        res.writeHead(200, { "content-type": "application/octet-stream" });
        res.end(found.a.bytes);
      },
    ],
  ];

  /** Routes of a registry repository held in git; the first group of each pattern is owner/name. */
  const repoRoutes: Route[] = [
    [
      "GET",
      /^\/repos\/([^/]+\/[^/]+)$/,
      (c) => json(c.res, 200, { full_name: c.m[1], default_branch: repoOf(c).defaultBranch }),
    ],
    [
      "GET",
      /^\/repos\/([^/]+\/[^/]+)\/git\/ref\/heads\/(.+)$/,
      async (c) => {
        const sha = await gitText(repoOf(c).dir, [
          "rev-parse",
          "--verify",
          "-q",
          `refs/heads/${c.m[2]}`,
        ]).catch(() => "");
        if (!sha) return notFound(c.res);
        json(c.res, 200, { ref: `refs/heads/${c.m[2]}`, object: { sha, type: "commit" } });
      },
    ],
    [
      "GET",
      /^\/repos\/([^/]+\/[^/]+)\/contents\/?(.*)$/,
      async (c) => {
        const repo = repoOf(c);
        const found = await readPath(repo.dir, c.url.searchParams.get("ref") ?? repo.defaultBranch, c.m[2]!);
        if (!found) return notFound(c.res);
        if ("names" in found)
          return json(
            c.res,
            200,
            found.names.map((name) => ({ name, type: "file" })),
          );
        c.res.writeHead(200, { "content-type": "application/vnd.github.raw" });
        c.res.end(found.blob);
      },
    ],
    [
      "GET",
      /^\/repos\/([^/]+\/[^/]+)\/git\/trees\/([0-9a-f]{40})$/,
      async (c) => {
        const dir = repoOf(c).dir;
        let listing: Buffer;
        try {
          if ((await gitText(dir, ["cat-file", "-t", c.m[2]!])) !== "tree") return notFound(c.res);
          listing = await git(dir, ["ls-tree", "-z", c.m[2]!]);
        } catch {
          return notFound(c.res);
        }
        const tree = listing
          .toString("utf8")
          .split("\0")
          .filter(Boolean)
          .map((line) => {
            const [meta = "", path = ""] = line.split("\t");
            const [mode = "", type = "", sha = ""] = meta.split(" ");
            return { path, mode, type, sha };
          });
        json(c.res, 200, { sha: c.m[2], tree, truncated: false });
      },
    ],
    [
      "GET",
      /^\/repos\/([^/]+\/[^/]+)\/git\/blobs\/([0-9a-f]{40})$/,
      async (c) => {
        const dir = repoOf(c).dir;
        try {
          if ((await gitText(dir, ["cat-file", "-t", c.m[2]!])) !== "blob") return notFound(c.res);
          const bytes = await git(dir, ["cat-file", "blob", c.m[2]!]);
          json(c.res, 200, { sha: c.m[2], content: bytes.toString("base64"), encoding: "base64" });
        } catch {
          notFound(c.res);
        }
      },
    ],
    [
      "GET",
      /^\/repos\/([^/]+\/[^/]+)\/git\/commits\/([0-9a-f]{40})$/,
      async (c) => {
        const tree = await gitText(repoOf(c).dir, ["rev-parse", `${c.m[2]}^{tree}`]);
        json(c.res, 200, { sha: c.m[2], tree: { sha: tree } });
      },
    ],
    [
      "POST",
      /^\/repos\/([^/]+\/[^/]+)\/git\/blobs$/,
      async (c) => {
        const { content, encoding } = c.data<{ content: string; encoding: string }>();
        const bytes = Buffer.from(content, encoding === "base64" ? "base64" : "utf8");
        json(c.res, 201, { sha: await writeBlob(repoOf(c).dir, bytes) });
      },
    ],
    [
      "POST",
      /^\/repos\/([^/]+\/[^/]+)\/git\/trees$/,
      async (c) => {
        const { base_tree, tree } = c.data<{ base_tree: string; tree: { path: string; sha: string }[] }>();
        json(c.res, 201, { sha: await writeTree(repoOf(c).dir, base_tree, tree) });
      },
    ],
    [
      "POST",
      /^\/repos\/([^/]+\/[^/]+)\/git\/commits$/,
      async (c) => {
        const { tree, parents, message } = c.data<{ tree: string; parents: string[]; message: string }>();
        json(c.res, 201, { sha: await commitTree(repoOf(c).dir, tree, parents, message) });
      },
    ],
    [
      "POST",
      /^\/repos\/([^/]+\/[^/]+)\/git\/refs$/,
      async (c) => {
        const { ref, sha } = c.data<{ ref: string; sha: string }>();
        await gitText(repoOf(c).dir, ["update-ref", ref, sha, "0".repeat(40)]);
        json(c.res, 201, { ref, object: { sha } });
      },
    ],
    [
      "PATCH",
      /^\/repos\/([^/]+\/[^/]+)\/git\/refs\/heads\/(.+)$/,
      async (c) => {
        const { sha } = c.data<{ sha: string }>();
        await gitText(repoOf(c).dir, ["update-ref", `refs/heads/${c.m[2]}`, sha]);
        json(c.res, 200, { ref: `refs/heads/${c.m[2]}`, object: { sha } });
      },
    ],
    [
      "POST",
      /^\/repos\/([^/]+\/[^/]+)\/merge-upstream$/,
      async (c) => {
        const repo = repoOf(c);
        const upstream = repo.upstream ? api.repos.get(repo.upstream) : undefined;
        if (!upstream) return json(c.res, 422, { message: "not a fork" });
        const { branch } = c.data<{ branch: string }>();
        await git(repo.dir, ["fetch", "-q", upstream.dir, `+refs/heads/${branch}:refs/heads/${branch}`]);
        json(c.res, 200, { merge_type: "fast-forward" });
      },
    ],
    [
      "GET",
      /^\/repos\/([^/]+\/[^/]+)\/pulls$/,
      (c) => {
        const head = c.url.searchParams.get("head");
        const base = c.url.searchParams.get("base");
        const open = api.pulls.filter(
          (p) => p.repo === c.m[1] && (!head || p.head === head) && (!base || p.base === base),
        );
        json(c.res, 200, open.map(pullOf));
      },
    ],
    [
      "POST",
      /^\/repos\/([^/]+\/[^/]+)\/pulls$/,
      (c) => {
        const {
          title,
          body: text,
          head,
          base,
        } = c.data<Record<"title" | "body" | "head" | "base", string>>();
        const pull: FakePull = {
          number: nextId++,
          repo: c.m[1]!,
          title,
          body: text,
          head,
          base,
          user: c.who!,
        };
        api.pulls.push(pull);
        json(c.res, 201, pullOf(pull));
      },
    ],
    [
      "PATCH",
      /^\/repos\/([^/]+\/[^/]+)\/pulls\/(\d+)$/,
      (c) => {
        const pull = api.pulls.find((p) => p.repo === c.m[1] && p.number === Number(c.m[2]));
        if (!pull) return notFound(c.res);
        const { title, body: text } = c.data<{ title?: string; body?: string }>();
        Object.assign(pull, { title: title ?? pull.title, body: text ?? pull.body });
        json(c.res, 200, pullOf(pull));
      },
    ],
  ];

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://x");
    const path = decodeURIComponent(url.pathname);
    const token = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const who = token ? api.tokens[token] : undefined;
    api.requests.push(`${req.method} ${path} ${who?.login ?? "anonymous"}`);
    const input = await body(req);
    const data = <T>(): T => JSON.parse(input.toString("utf8") || "{}") as T;
    for (const [method, pattern, handler] of [...releaseRoutes, ...repoRoutes]) {
      const m = req.method === method ? pattern.exec(path) : null;
      if (!m) continue;
      const isRepoRoute = repoRoutes.some((r) => r[1] === pattern);
      if (isRepoRoute && !api.repos.has(m[1]!)) return notFound(res);
      if (isRepoRoute && method !== "GET" && !who)
        return json(res, 401, { message: "Requires authentication" });
      return handler({ req, res, url, m, input, data, ...(who ? { who } : {}) });
    }
    json(res, 404, { message: `Not Found: ${req.method} ${path}` });
  }
  const pullOf = (p: FakePull) => ({
    number: p.number,
    html_url: `${api.url}/${p.repo}/pull/${p.number}`,
    title: p.title,
    user: p.user,
  });

  // A client on a starved machine may reuse a kept-alive socket just as a 5 s server timeout
  // closes it ("other side closed"): keep idle sockets open longer than any pause in a test.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return api;
}
