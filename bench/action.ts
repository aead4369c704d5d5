/**
 * Benchmark of the pull-request gate (npm run bench:action): the same PR, adding one version
 * (with two dependencies) to one plugin, against a registry of 10 plugins and one of 10,000, in
 * the same run, with the artifact served from loopback. Target: ratio ≤ 1.5, because the gate
 * reads only what the PR touches, its dependency closure and the list of names.
 *
 * Repositories are written with `git fast-import` (no working tree), so setup takes seconds.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PullRequestEvent } from "../action/event.ts";
import type { Settings } from "../action/inputs.ts";
import { checkPullRequest } from "../action/pr-mode.ts";

const ARTIFACT = new TextEncoder().encode("bench artifact bytes ".repeat(1000));
const SHA = createHash("sha256").update(ARTIFACT).digest("hex");
const AUTHOR = { github_id: 1001, login: "alice" };
const RUNS = 41;

function manifest(name: string, version: string, url: string, deps: string[] = []): string {
  return JSON.stringify({
    metadata: { name, version, description: `The ${name} plugin.`, author: "Bench", license: "MIT" },
    specification: {
      spec_version: "0.1.0",
      supported_providers: ["aws"],
      service_definition: {
        service_name: "CostSourceService",
        package_name: "finfocus.v1",
        methods: ["GetActualCost"],
      },
    },
    security: { security_level: "community" },
    installation: {
      installation_method: "binary",
      download_url: url,
      checksum: SHA,
      checksum_algorithm: "sha256",
    },
    ...(deps.length
      ? { requirements: { dependencies: deps.map((d) => ({ name: d, version_constraint: "^1.0.0" })) } }
      : {}),
  });
}

/** A repository with `plugins` plugins on main and a PR branch adding plugin-0 1.1.0. */
function makeRepo(plugins: number, url: string): { dir: string; base: string; head: string } {
  const dir = mkdtempSync(join(tmpdir(), `bench-gate-${plugins}-`));
  execFileSync("git", ["init", "-q", "-b", "main", dir]);
  const chunks: string[] = [];
  const file = (path: string, content: string) => {
    chunks.push(`M 100644 inline ${path}\ndata ${Buffer.byteLength(content)}\n${content}\n`);
  };
  chunks.push("commit refs/heads/main\ncommitter b <b@example.test> 0 +0000\ndata 4\nbase\n");
  file(
    "registry/config.json",
    JSON.stringify({
      name: "bench",
      base_url: "https://bench.example.test",
      spec_version: "0.1.0",
      maintainers: [{ github_id: 9, login: "maint" }],
      allow_loopback_http: true,
    }),
  );
  for (let i = 0; i < plugins; i++) {
    const name = `plugin-${i}`;
    file(
      `registry/plugins/${name}/entry.json`,
      JSON.stringify({ name, owners: [AUTHOR], repository: `bench/${name}` }),
    );
    file(`registry/plugins/${name}/versions/1.0.0.json`, manifest(name, "1.0.0", url));
  }
  chunks.push(
    "commit refs/heads/pr\ncommitter b <b@example.test> 1 +0000\ndata 2\npr\nfrom refs/heads/main\n",
  );
  file(
    "registry/plugins/plugin-0/versions/1.1.0.json",
    manifest("plugin-0", "1.1.0", url, ["plugin-1", "plugin-2"]),
  );
  execFileSync("git", ["fast-import", "--quiet"], { cwd: dir, input: chunks.join(""), maxBuffer: 1 << 30 });
  const rev = (ref: string) => execFileSync("git", ["rev-parse", ref], { cwd: dir, encoding: "utf8" }).trim();
  return { dir, base: rev("main"), head: rev("pr") };
}

function settings(workspace: string): Settings {
  return {
    registryPath: "registry",
    token: "",
    comment: "never",
    commentAuthor: "auto",
    autoMergeLabel: "",
    verifyArtifacts: true,
    verifyImages: true,
    maxDownloadBytes: 10 * 1024 * 1024,
    failOn: "error",
    allowLoopbackHttp: true,
    eventName: "pull_request",
    workspace,
    apiUrl: "http://127.0.0.1:9",
    repository: "bench/registry",
    commentDir: join(workspace, ".comment"),
    tufCachePath: join(workspace, ".tuf"),
    stepSummary: false,
    downloadTimeoutMs: 10_000,
  };
}

function prEvent(repo: { base: string; head: string }): PullRequestEvent {
  return {
    kind: "pull_request",
    number: 1,
    baseSha: repo.base,
    headSha: repo.head,
    author: { id: AUTHOR.github_id, login: AUTHOR.login },
    fromFork: false,
    repository: "bench/registry",
  };
}

async function once(repo: { dir: string; base: string; head: string }): Promise<number> {
  const started = performance.now();
  const report = await checkPullRequest(settings(repo.dir), prEvent(repo), undefined);
  const elapsed = performance.now() - started;
  if (!report.valid) throw new Error(`the bench PR should pass: ${JSON.stringify(report.findings)}`);
  return elapsed;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const server = createServer((_req, res) =>
  res.writeHead(200, { "content-length": ARTIFACT.byteLength }).end(ARTIFACT),
);
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/artifact.tgz`;
const sizes = [10, 10_000];
const repos = sizes.map((n) => {
  const started = performance.now();
  const repo = makeRepo(n, url);
  process.stdout.write(`setup: ${n} plugins in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return repo;
});
try {
  for (const repo of repos) await once(repo); // warm-up: JIT, ajv compilation, git's pack index
  // Interleaved, so load from other processes on the machine hits both sizes alike.
  const times: number[][] = repos.map(() => []);
  for (let i = 0; i < RUNS; i++) for (const [k, repo] of repos.entries()) times[k]!.push(await once(repo));
  const medians = times.map(median);
  for (const [k, n] of sizes.entries()) {
    const fastest = Math.min(...times[k]!);
    process.stdout.write(
      `gate, PR adding 1 version: ${String(n).padStart(6)} plugins  median ${medians[k]!.toFixed(1)} ms, fastest ${fastest.toFixed(1)} ms (${RUNS} runs)\n`,
    );
  }
  const ratio = medians[1]! / medians[0]!;
  const fastestRatio = Math.min(...times[1]!) / Math.min(...times[0]!);
  process.stdout.write(
    `ratio 10,000 / 10: median ${ratio.toFixed(2)}, fastest ${fastestRatio.toFixed(2)} (target ≤ 1.5) ${ratio <= 1.5 ? "ok" : "OVER TARGET"}\n`,
  );
} finally {
  server.close();
  if (!process.env.BENCH_KEEP) for (const repo of repos) rmSync(repo.dir, { recursive: true, force: true });
  else process.stdout.write(`kept: ${repos.map((r) => r.dir).join(" ")}\n`);
}
