/**
 * `npm run bench:cli`: start-up of the CLI, median of 20 runs each, against the floor of starting
 * the same Node on an empty module, in the same run. Builds the bundle into a package as npm
 * installs it (bin/, dist/cli/, cli/cache-folder.js, package.json; no cli/main.ts, so the
 * launcher makes no freshness check), then times it on this Node (24) and on the machine's Node 20 when it has one. The runs
 * are interleaved (every case once per round, the floor included), so a machine whose load changes
 * during the run slows every case alike. Also timed: with NODE_DISABLE_COMPILE_CACHE=1 (Node's
 * compile cache and `validate`'s V8 code cache both off), the bundle imported directly (no
 * launcher, no compile cache; `validate`'s code cache still on), the launcher in this checkout
 * (its freshness check), the TypeScript sources.
 * Targets (issue #15): `--help` under 150 ms and one-file `validate` under 250 ms, as installed.
 * BENCH_RUNS=N changes the number of runs.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildCli, copyLauncher } from "../scripts/build-cli.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const root = fileURLToPath(new URL("..", import.meta.url));
const manifest = `${root}registry/plugins/aws-cost-explorer/versions/1.1.0.json`;

const work = mkdtempSync(path.join(tmpdir(), "bench-cli-"));
const pkg = path.join(work, "package");
copyLauncher(pkg);
symlinkSync(path.join(root, "node_modules"), path.join(pkg, "node_modules"));
// The compile cache (Node 22 and newer) goes to a folder of this run's, not the user's.
const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: path.join(work, "cache") };
delete env.NODE_COMPILE_CACHE;

interface Case {
  name: string;
  args: string[];
  target?: number;
  env?: NodeJS.ProcessEnv;
}

/** Median wall time in ms of each case, RUNS rounds of every case in turn; every run must exit 0. */
function medians(node: string, cases: Case[]): number[] {
  const times: number[][] = cases.map(() => []);
  for (let round = -1; round < RUNS; round++) {
    cases.forEach((c, i) => {
      const start = performance.now();
      const r = spawnSync(node, c.args, { encoding: "utf8", cwd: root, env: c.env ?? env });
      const ms = performance.now() - start;
      if (r.status !== 0) throw new Error(`${node} ${c.args.join(" ")}: exit ${r.status}\n${r.stderr}`);
      if (round >= 0) times[i]!.push(ms); // round -1 warms the page cache and the compile cache
    });
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!);
}

// Small launcher files (not `node -e`: Node would take `--help` after `-e` as its own option).
const empty = path.join(work, "empty.mjs");
writeFileSync(empty, "");
/** Arguments for `node` that import a CLI entry and run `main` on `args`. */
function viaEntry(entry: string, ...args: string[]): string[] {
  const file = path.join(work, `${path.basename(entry).replace(/\W/g, "-")}.mjs`);
  writeFileSync(
    file,
    `const { main } = await import(${JSON.stringify(pathToFileURL(entry).href)});\nprocess.exitCode = await main(process.argv.slice(2));\n`,
  );
  return [file, ...args];
}

function node20(): string | undefined {
  for (const n of [
    ...spawnSync("which", ["-a", "node"], { encoding: "utf8" }).stdout.split("\n"),
    "/usr/bin/node",
  ]) {
    if (n && (spawnSync(n, ["--version"], { encoding: "utf8" }).stdout ?? "").startsWith("v20.")) return n;
  }
  return undefined;
}

const t = performance.now();
await buildCli(path.join(pkg, "dist", "cli"));
// The checkout's own bundle (its list of sources is counted below): built here only when there is
// none (a fresh clone: `npm ci` builds none), so one `npm test` left, which other tests may be
// running, is never swapped under them. Its launcher must start (on the sources when it is stale).
if (!existsSync(path.join(root, "dist", "cli", "inputs.json")))
  await buildCli(path.join(root, "dist", "cli"));
const checkout = spawnSync(process.execPath, [path.join(root, "bin", "finfocus-registry.js"), "--version"], {
  encoding: "utf8",
  env,
});
if (checkout.status !== 0) throw new Error(`the checkout's launcher failed: ${checkout.stderr}`);
const sourcesChecked = (
  JSON.parse(readFileSync(path.join(root, "dist", "cli", "inputs.json"), "utf8")) as { sources: string[] }
).sources.length;
console.log(
  `bundles built in ${(performance.now() - t).toFixed(0)} ms; ${cpus().length} cores; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}; median of ${RUNS} interleaved runs`,
);

const bin = path.join(pkg, "bin", "finfocus-registry.js");
const bundle = path.join(pkg, "dist", "cli", "main.js");
const noCache = { ...env, NODE_DISABLE_COMPILE_CACHE: "1" };
const old = node20();
for (const [label, node] of [["Node 24", process.execPath], ...(old ? [["Node 20", old]] : [])] as [
  string,
  string,
][]) {
  const cases: Case[] = [
    { name: "floor: node empty.mjs", args: [empty] },
    { name: "installed: finfocus-registry --help", args: [bin, "--help"], target: 150 },
    { name: "installed: finfocus-registry --version", args: [bin, "--version"], target: 150 },
    { name: "installed: validate (one manifest)", args: [bin, "validate", manifest], target: 250 },
    { name: "  caches off: --help", args: [bin, "--help"], env: noCache },
    { name: "  caches off: validate", args: [bin, "validate", manifest], env: noCache },
    { name: "bundle imported directly: --help", args: viaEntry(bundle, "--help") },
    { name: "bundle imported directly: validate", args: viaEntry(bundle, "validate", manifest) },
    {
      name: `checkout: bin --help (${sourcesChecked} sources checked)`,
      args: [`${root}bin/finfocus-registry.js`, "--help"],
    },
  ];
  const figures = medians(node, cases);
  const floor = figures[0]!;
  const pad = (s: string) => s.padEnd(50);
  console.log(`\n${label} (${spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim()})`);
  console.log(`  ${pad(cases[0]!.name)}${floor.toFixed(0).padStart(6)} ms`);
  cases.slice(1).forEach((c, i) => {
    const ms = figures[i + 1]!;
    const verdict =
      c.target === undefined
        ? ""
        : ms <= c.target
          ? `  ok (target ≤ ${c.target} ms)`
          : `  OVER target ${c.target} ms`;
    console.log(
      `  ${pad(c.name)}${ms.toFixed(0).padStart(6)} ms  ${(ms / floor).toFixed(2)}× floor  +${(ms - floor).toFixed(0)} ms${verdict}`,
    );
  });
  if (label === "Node 24") {
    const sources = medians(node, [
      { name: "floor", args: [empty] },
      { name: "sources --help (type stripping)", args: viaEntry(`${root}cli/main.ts`, "--help") },
    ]);
    console.log(
      `  ${pad("sources --help (type stripping, every command)")}${sources[1]!.toFixed(0).padStart(6)} ms  ${(sources[1]! / sources[0]!).toFixed(2)}× floor`,
    );
  }
}
console.log(
  `\nload average at the end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
rmSync(work, { recursive: true, force: true });
