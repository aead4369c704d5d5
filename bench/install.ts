/**
 * `npm run bench:install`: installs a plugin with 5 transitive dependencies from a loopback
 * registry (cold cache, fresh plugin folder) and compares with the floor of fetching, hashing and
 * extracting the same archives with curl, sha256sum and tar in the same run. Prints the HTTP
 * request counts (target: at most 2 metadata requests per plugin) and the time ratio (target ≤ 1.5×).
 * Then signs the registry with TUF among 10,000 plugins' targets and reports what resolving
 * through the signed index costs: requests per plugin, and bytes besides the TUF top-level roles
 * (goal: under 20 KB for one plugin).
 */
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Fetcher } from "../core/net/fetcher.types.ts";
import type { TargetEntry } from "../core/tuf/repository.ts";
import { createHttpFetcher } from "../net/http-fetcher.ts";
import { createContext } from "../runner/create-context.ts";
import { install } from "../runner/ops/install.ts";
import { tarGz } from "../test/runner/helpers/archives.ts";
import { publish } from "../test/runner/helpers/registry.ts";
import { startServer } from "../test/runner/helpers/server.ts";
import { newKeys, signServed } from "../test/tuf/helpers.ts";

// The server lives in this process: the floor's tools must run asynchronously.
const run = promisify(execFile);
const MB = Number(process.env.BENCH_ARCHIVE_MB ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const names = ["top", "dep-a", "dep-b", "dep-c", "dep-d", "dep-e"];
const deps: Record<string, string[]> = {
  top: ["dep-a", "dep-b"],
  "dep-a": ["dep-c"],
  "dep-b": ["dep-c", "dep-d"],
  "dep-c": ["dep-e"],
  "dep-d": ["dep-e"],
  "dep-e": [],
};

const server = await startServer();
publish(
  server,
  names.map((name) => ({
    name,
    versions: ["1.0.0", "1.1.0", "1.2.0"].map((version) => ({
      version,
      deps: (deps[name] ?? []).map((d) => ({ name: d, version_constraint: "^1.0.0" })),
      archive: tarGz([
        { path: `finfocus-plugin-${name}`, data: randomBytes(MB * 1024 * 1024), mode: 0o755 },
        { path: "LICENSE", data: "Apache-2.0\n" },
        { path: "README.md", data: `# ${name}\n` },
      ]),
    })),
  })),
);
const work = await mkdtemp(join(tmpdir(), "ffr-bench-"));

async function runner(
  round: number,
  constraint?: string,
  tufDir?: string,
): Promise<{ ms: number; requests: string[]; bytes: Map<string, number> }> {
  const requests: string[] = [];
  const bytes = new Map<string, number>();
  const real = createHttpFetcher({ allowLoopbackHttp: true });
  const fetcher: Fetcher = {
    get: async (r) => {
      const path = new URL(r.url).pathname;
      requests.push(path);
      const response = await real.get(r);
      bytes.set(path, (bytes.get(path) ?? 0) + response.body.byteLength);
      return response;
    },
  };
  const dir = join(work, `runner-${round}`);
  const context = createContext({
    pluginDir: join(dir, "plugins"),
    cacheDir: join(dir, "cache"),
    registryUrl: server.url,
    fetcher,
    allowLoopbackHttp: true,
    yes: true,
    tuf: { dir: tufDir ?? join(dir, "tuf") },
  });
  const started = performance.now();
  const result = await install(context, {
    plugins: [{ name: "top", ...(constraint ? { constraint } : {}) }],
  });
  const ms = performance.now() - started;
  if (result.installed.length !== names.length) throw new Error(`installed ${result.installed.length}`);
  return { ms, requests, bytes };
}

async function floor(round: number): Promise<number> {
  const dir = join(work, `floor-${round}`);
  await mkdir(dir, { recursive: true });
  const started = performance.now();
  for (const name of names) {
    const file = join(dir, `${name}.tar.gz`);
    const out = join(dir, name);
    await mkdir(out);
    await run("curl", ["-sSf", "-o", file, `${server.url}/artifacts/${name}-1.2.0.tar.gz`]);
    await run("sha256sum", [file]);
    await run("tar", ["-xzf", file, "-C", out]);
  }
  return performance.now() - started;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const runnerTimes: number[] = [];
const floorTimes: number[] = [];
let requests: string[] = [];
await runner(-1); // warm-up: module loading and JIT, not measured
await floor(-1);
for (let i = 0; i < ROUNDS; i++) {
  const r = await runner(i);
  runnerTimes.push(r.ms);
  requests = r.requests;
  floorTimes.push(await floor(i));
}
// An older version of the root: its manifest is not the plugin document's latest, so it costs a
// second metadata request.
const pinned = await runner(ROUNDS, "1.0.0");

// The same install through the signed index, among 10,000 plugins' targets (stand-ins for the
// plugins not installed: six targets each, as the generator writes per plugin with 3 versions).
const PLUGINS = Number(process.env.BENCH_TUF_PLUGINS ?? 10_000);
const keys = newKeys();
const others: TargetEntry[] = [];
for (let i = names.length; i < PLUGINS; i++) {
  const base = `api/v1/plugins/plugin-${i}/`;
  const paths = [`${base}index.json`, `${base}versions/index.json`, `feeds/plugins/plugin-${i}.xml`];
  for (const v of ["1.0.0", "1.1.0", "1.2.0"]) paths.push(`${base}versions/${v}/manifest.json`);
  for (const path of paths)
    others.push({ path, length: 4000, sha256: createHash("sha256").update(path).digest("hex") });
}
const signStarted = performance.now();
signServed(server, keys.site, keys.keysDir, new Date(), others);
const signMs = performance.now() - signStarted;
const signedRun = await runner(ROUNDS + 1, undefined, join(work, "tuf-trust"));
const signedPinned = await runner(ROUNDS + 2, "1.0.0", join(work, "tuf-trust-2"));
await rm(keys.tmp, { recursive: true, force: true });
await server.close();
await rm(work, { recursive: true, force: true });

const metadata = requests.filter((p) => !p.startsWith("/artifacts/"));
const perPlugin = names.map((n) => metadata.filter((p) => p.includes(`/plugins/${n}/`)).length);
const r = median(runnerTimes);
const f = median(floorTimes);
const lines = [
  `bench:install: ${names.length} plugins (top + 5 transitive dependencies), ${MB} MiB archives, median of ${ROUNDS}`,
  `  HTTP requests: ${requests.length} total = ${metadata.length} metadata + ${requests.length - metadata.length} artifacts`,
  `  metadata requests per plugin: max ${Math.max(...perPlugin)} (target ≤ 2), plus 1 discovery document`,
  `  top@1.0.0 (not the latest): max ${Math.max(...names.map((n) => pinned.requests.filter((p) => !p.startsWith("/artifacts/") && p.includes(`/plugins/${n}/`)).length))} metadata requests per plugin`,
  `  runner install:            ${r.toFixed(0)} ms`,
  `  floor curl+sha256sum+tar:  ${f.toFixed(0)} ms`,
  `  ratio: ${(r / f).toFixed(2)}× (target ≤ 1.5×)`,
];
const isTop = (p: string) => /^\/tuf\/(\d+\.root|timestamp|\d+\.snapshot|\d+\.targets)\.json$/.test(p);
const isBin = (p: string) => /^\/tuf\/\d+\.bins-[0-9a-f]+\.json$/.test(p);
const sum = (m: Map<string, number>, f: (p: string) => boolean) =>
  [...m].filter(([p]) => f(p)).reduce((n, [, b]) => n + b, 0);
const signedMeta = signedRun.requests.filter((p) => !p.startsWith("/artifacts/") && !p.startsWith("/tuf/"));
const signedPerPlugin = names.map((n) => signedMeta.filter((p) => p.includes(`/plugins/${n}/`)).length);
// One plugin: the bytes of its own documents and of the bins that list them, at PLUGINS plugins.
const onePlugin = (run: typeof signedRun, name: string) => {
  const docs = sum(run.bytes, (p) => p.includes(`/plugins/${name}/`));
  return docs;
};
const binBytes = sum(signedRun.bytes, isBin);
const binCount = signedRun.requests.filter(isBin).length;
const perBin = binCount ? binBytes / binCount : 0;
const oneBytes = onePlugin(signedRun, "dep-e") + perBin * 1;
const onePinnedBytes = onePlugin(signedPinned, "top") + perBin * 2;
lines.push(
  `TUF (signed index over ${PLUGINS.toLocaleString("en")} plugins, ${(others.length + signedMeta.length).toLocaleString("en")}+ targets; signing took ${signMs.toFixed(0)} ms):`,
  `  API documents per plugin: max ${Math.max(...signedPerPlugin)} (target ≤ 2), plus ${signedRun.requests.filter((p) => p.startsWith("/.well-known/")).length} discovery request (checked against the index from the cache)`,
  `  TUF top-level documents: ${signedRun.requests.filter(isTop).length} requests, ${(sum(signedRun.bytes, isTop) / 1024).toFixed(1)} KB (root, timestamp, snapshot, targets)`,
  `  hashed bins: ${binCount} requests for ${names.length} plugins, ${(perBin / 1024).toFixed(1)} KB each`,
  `  bytes to resolve one plugin (its document + its bin), besides the top-level roles: ${(oneBytes / 1024).toFixed(1)} KB (goal < 20 KB)`,
  `  an older version (document + manifest + up to 2 bins): ${(onePinnedBytes / 1024).toFixed(1)} KB`,
);
process.stdout.write(`${lines.join("\n")}\n`);
