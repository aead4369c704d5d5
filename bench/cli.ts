/**
 * `npm run bench:cli`: start-up of the CLI, median of 20 runs each, against the floor of starting
 * the same Node on an empty module, in the same run. Builds the bundle first, then
 * times it on this Node (24) and on the machine's Node 20 when it has one, and the TypeScript
 * sources (type stripping, every command loaded) for comparison.
 * Targets (issue #15): `--help` under 150 ms and one-file `validate` under 250 ms, bundled.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildCli } from "../scripts/build-cli.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const root = fileURLToPath(new URL("..", import.meta.url));
const manifest = `${root}registry/plugins/aws-cost-explorer/versions/1.1.0.json`;
const bundle = `${root}dist/cli/main.js`;
const sources = `${root}cli/main.ts`;

/** Median wall time in ms of RUNS runs of `node args`; every run must exit 0. */
function median(node: string, args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const r = spawnSync(node, args, { encoding: "utf8", cwd: root });
    times.push(performance.now() - start);
    if (r.status !== 0) throw new Error(`${node} ${args.join(" ")}: exit ${r.status}\n${r.stderr}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

// Small launcher files (not `node -e`: Node would take `--help` after `-e` as its own option).
const work = mkdtempSync(path.join(tmpdir(), "bench-cli-"));
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

let t = performance.now();
await buildCli();
console.log(
  `bundle built in ${(performance.now() - t).toFixed(0)} ms; ${cpus().length} cores; median of ${RUNS} runs`,
);

const old = node20();
for (const [label, node] of [["Node 24", process.execPath], ...(old ? [["Node 20", old]] : [])] as [
  string,
  string,
][]) {
  const floor = median(node, [empty]);
  const pad = (s: string) => s.padEnd(44);
  console.log(`\n${label} (${spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim()})`);
  console.log(`  ${pad("floor: node empty.mjs")}${floor.toFixed(0).padStart(6)} ms`);
  const cases: [string, string[], number][] = [
    ["bundle --help", viaEntry(bundle, "--help"), 150],
    ["bundle --version", viaEntry(bundle, "--version"), 150],
    ["bundle validate (one manifest)", viaEntry(bundle, "validate", manifest), 250],
    ["bin/finfocus-registry.js --help", [`${root}bin/finfocus-registry.js`, "--help"], 150],
  ];
  if (label === "Node 24") {
    cases.push(["sources --help (type stripping)", viaEntry(sources, "--help"), Number.NaN]);
    cases.push(["sources validate (one manifest)", viaEntry(sources, "validate", manifest), Number.NaN]);
  }
  for (const [name, args, target] of cases) {
    t = median(node, args);
    const verdict = Number.isNaN(target)
      ? ""
      : t <= target
        ? `  ok (target ≤ ${target} ms)`
        : `  OVER target ${target} ms`;
    console.log(`  ${pad(name)}${t.toFixed(0).padStart(6)} ms  ${(t / floor).toFixed(2)}× floor${verdict}`);
  }
}
rmSync(work, { recursive: true, force: true });
