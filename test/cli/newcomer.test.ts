import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { runCli } from "./helpers/in-process.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const bin = path.join(repo, "bin/finfocus-registry.js");
const tmp = mkdtempSync(path.join(tmpdir(), "ffr-newcomer-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the CLI in-process with buffers; `isTTY` as a terminal would have it. */
const run = (argv: string[], isTTY = false) =>
  runCli(argv, { cwd: repo, env: { ...process.env, NO_COLOR: "1" }, isTTY });

test("build on a terminal: progress per stage; warnings counted by code, not listed", async () => {
  const out = path.join(tmp, "build");
  const r = await run(
    ["build", "--registry", "test/fixtures/registries/good", "--worktree", "--no-site", "--out", out],
    true,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^build: validating the registry \(files on disk\)…$/m);
  assert.match(r.stderr, /^build: writing the API, registry\.json and feeds \(2 plugins\)…$/m);
  assert.match(r.stdout, /^warning DEPENDENCY_NOT_FOUND ×\d+ in \d+ files: /m);
  assert.doesNotMatch(r.stdout, /\.json:\d+:\d+ warning/, "no line per warning");
  assert.match(r.stdout, /^\(finfocus-registry validate lists each one\)$/m);
  const piped = await run([
    "build",
    "--registry",
    "test/fixtures/registries/good",
    "--worktree",
    "--no-site",
    "--out",
    out,
  ]);
  assert.equal(piped.code, 0);
  assert.doesNotMatch(piped.stderr, /validating/, "no progress lines when stderr is not a terminal");
});

/** Starts `serve` as a process and resolves with its first JSON line. */
function startServe(args: string[]) {
  const child = spawn(process.execPath, [bin, "serve", ...args], {
    cwd: repo,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const listening = new Promise<{ url: string; artifacts?: string }>((resolve, reject) => {
    child.stdout.on("data", (d) => {
      stdout += d;
      try {
        resolve(JSON.parse(stdout));
      } catch {
        // not complete yet
      }
    });
    child.on("exit", () => reject(new Error(`serve exited: ${stdout}${stderr}`)));
  });
  return { child, listening, exited, output: () => ({ stdout, stderr }) };
}

test("serve: the /artifacts/ link it prints answers; a busy port says so and suggests --port", async () => {
  const site = path.join(tmp, "site");
  const artifacts = path.join(tmp, "artifacts");
  mkdirSync(site, { recursive: true });
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(path.join(site, "index.html"), "<!doctype html><title>x</title>");
  writeFileSync(path.join(artifacts, "cost-aws-1.0.0.tar.gz"), "bytes");
  writeFileSync(path.join(artifacts, "<b>odd.tgz"), "odd");
  const first = startServe(["--dir", site, "--artifacts", artifacts, "--port", "0", "--format", "json"]);
  try {
    const { url, artifacts: listed } = await first.listening;
    assert.equal(listed, `${url}artifacts/`);
    const page = await fetch(listed!);
    assert.equal(page.status, 200);
    assert.match(
      page.headers.get("content-type") ?? "",
      /^text\/plain/,
      "a listing, never HTML from file names",
    );
    const text = await page.text();
    assert.match(text, /^Artifacts for --artifact-mirror: 2 file\(s\)/);
    assert.deepEqual(text.split("\n").slice(2, 4), ["<b>odd.tgz", "cost-aws-1.0.0.tar.gz"]);
    const file = await fetch(`${listed}cost-aws-1.0.0.tar.gz`);
    assert.equal(await file.text(), "bytes");
    const port = new URL(url).port;
    const second = startServe(["--dir", site, "--port", port]);
    second.listening.catch(() => {});
    assert.equal(await second.exited, 2);
    assert.match(second.output().stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use.*--port N`));
  } finally {
    first.child.kill("SIGTERM");
    await first.exited;
  }
});
