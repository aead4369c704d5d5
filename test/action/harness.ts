/**
 * Black-box harness for the bundled Action: real git repositories with base and head commits,
 * a loopback artifact server, a loopback server standing in for the GitHub REST API, and
 * `node dist/index.js` run as a process with the environment a runner gives it.
 */
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { FakeApi } from "./fake-api.ts";

const BUILT = fileURLToPath(new URL("../../dist/index.js", import.meta.url));

/**
 * The committed bundle, copied out of the repository so no node_modules can be reached from it:
 * a runner checks out the Action without installing anything, and so do the tests.
 */
export const ACTION = join(mkdtempSync(join(tmpdir(), "gate-dist-")), "index.js");
copyFileSync(BUILT, ACTION);

/**
 * Entries to write (string or bytes: a regular file), delete (null), or make special, by
 * repository-relative path: a symbolic link, an executable file, a submodule (a gitlink to a
 * commit id that is not in the repository, as a submodule's commit never is).
 */
export type Files = Record<
  string,
  string | Uint8Array | null | { symlink: string } | { executable: string } | { gitlink: string }
>;

const GIT_ENV = {
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.test",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.test",
  GIT_CONFIG_NOSYSTEM: "1",
  HOME: tmpdir(),
};

const execFileAsync = promisify(execFile);

/**
 * Runs git in a test repository (author and committer fixed, no system config). Async, so
 * loopback servers in the test process keep answering while repositories are built.
 */
export async function gitIn(dir: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync("git", args, {
    cwd: dir,
    env: { ...process.env, ...GIT_ENV },
    encoding: "utf8",
  });
  return stdout.trim();
}

/** Writes `files` into the work tree; returns the gitlinks, which only the index can hold. */
function apply(dir: string, files: Files): [string, string][] {
  const gitlinks: [string, string][] = [];
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    if (content === null) {
      rmSync(full, { force: true, recursive: true });
      continue;
    }
    mkdirSync(dirname(full), { recursive: true });
    if (typeof content === "string" || content instanceof Uint8Array) writeFileSync(full, content);
    else if ("symlink" in content) symlinkSync(content.symlink, full);
    else if ("executable" in content) {
      writeFileSync(full, content.executable);
      chmodSync(full, 0o755);
    } else gitlinks.push([path, content.gitlink]);
  }
  return gitlinks;
}

async function commit(dir: string, files: Files, message: string): Promise<string> {
  const gitlinks = apply(dir, files);
  await gitIn(dir, ["add", "-A"]);
  for (const [path, sha] of gitlinks)
    await gitIn(dir, ["update-index", "--add", "--cacheinfo", `160000,${sha},${path}`]);
  await gitIn(dir, ["commit", "-q", "--allow-empty", "-m", message]);
  return gitIn(dir, ["rev-parse", "HEAD"]);
}

export interface Repo {
  dir: string;
  baseSha: string;
  headSha: string;
  cleanup(): void;
}

/**
 * A temporary git repository: `base` committed on main, then `pr` applied and committed on a
 * branch. The working tree is left at the base commit, as a pull_request_target checkout is.
 */
export async function makeRepo(base: Files, pr: Files): Promise<Repo> {
  const dir = mkdtempSync(join(tmpdir(), "gate-repo-"));
  await gitIn(dir, ["init", "-q", "-b", "main"]);
  const baseSha = await commit(dir, base, "base");
  await gitIn(dir, ["checkout", "-q", "-b", "pr"]);
  const headSha = await commit(dir, pr, "pr");
  await gitIn(dir, ["checkout", "-q", "-f", "main"]);
  return { dir, baseSha, headSha, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A route of the artifact server: bytes, a redirect, or a status code. */
export type Route = Uint8Array | { redirect: string } | { status: number } | { chunked: Uint8Array };

/** A loopback server for artifacts. `routes` may be changed while it runs. */
export async function artifactServer(
  routes: Record<string, Route>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const route = routes[req.url ?? ""];
    if (!route) return void res.writeHead(404).end();
    if (route instanceof Uint8Array)
      return void res.writeHead(200, { "content-length": route.byteLength }).end(route);
    if ("redirect" in route) return void res.writeHead(302, { location: route.redirect }).end();
    if ("chunked" in route) {
      res.writeHead(200); // no Content-Length: the size is only known by counting
      res.end(route.chunked);
      return;
    }
    res.writeHead(route.status).end();
  });
  const url = await listen(server);
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** Parsed `findings` output. */
  findings: {
    code: string;
    severity: string;
    file: string;
    pointer: string;
    line?: number;
    column?: number;
  }[];
  commentFile?: string;
}

function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const re = /^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) outputs[m[1]!] = m[3]!;
  return outputs;
}

export { ACTIONS_BOT, type FakeApi, fakeApi } from "./fake-api.ts";

export interface RunOptions {
  workspace: string;
  eventName?: string;
  event: unknown;
  inputs?: Record<string, string>;
  api?: FakeApi;
  env?: Record<string, string>;
}

/** Runs `node dist/index.js` as the runner would and collects outputs, summary and comment file. */
export async function runAction(options: RunOptions): Promise<RunResult> {
  const tmp = mkdtempSync(join(tmpdir(), "gate-run-"));
  try {
    const eventPath = join(tmp, "event.json");
    writeFileSync(eventPath, JSON.stringify(options.event));
    writeFileSync(join(tmp, "output"), "");
    writeFileSync(join(tmp, "summary"), "");
    const inputs = {
      "allow-loopback-http": "true",
      "github-token": options.api ? "test-token" : "",
      ...options.inputs,
    };
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      HOME: tmpdir(),
      GITHUB_ACTIONS: "true",
      GITHUB_EVENT_NAME: options.eventName ?? "pull_request",
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_OUTPUT: join(tmp, "output"),
      GITHUB_STEP_SUMMARY: join(tmp, "summary"),
      GITHUB_WORKSPACE: options.workspace,
      GITHUB_REPOSITORY: "acme/registry",
      GITHUB_API_URL: options.api?.url ?? "http://127.0.0.1:9",
      RUNNER_TEMP: tmp,
      ...options.env,
    };
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
    const child = spawn(process.execPath, [ACTION], { cwd: options.workspace, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => {
      stdout += c;
    });
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    const outputs = parseOutputs(readFileSync(join(tmp, "output"), "utf8"));
    const result: RunResult = {
      code,
      stdout,
      stderr,
      outputs,
      summary: readFileSync(join(tmp, "summary"), "utf8"),
      findings: outputs.findings ? JSON.parse(outputs.findings) : [],
    };
    try {
      result.commentFile = readFileSync(join(tmp, "finfocus-registry-comment", "comment.md"), "utf8");
    } catch {}
    return result;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");
