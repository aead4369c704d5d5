/**
 * The benchmarks still run: bench:validate and bench:build at a tiny size, and bench:cli with one
 * run of each case, exit 0 and print their ratio lines. No timing is asserted (figures come from the benchmarks themselves, see
 * docs/architecture.md "Speed"); this only keeps a broken benchmark from going unnoticed.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const run = promisify(execFile);

async function bench(script: string, env: Record<string, string>): Promise<string> {
  const { stdout } = await run(process.execPath, [script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

const RATIO = String.raw`\d+\.\d+`;

test("bench:validate runs at a tiny size and prints its ratios", async () => {
  const out = await bench("bench/validate.ts", { BENCH_PLUGINS: "3", BENCH_VERSIONS: "2" });
  assert.match(out, /= 6 manifests/);
  assert.match(out, new RegExp(`ratio \\(a\\)/\\(b\\): +${RATIO} \\(target`));
  assert.match(out, new RegExp(`ratio \\(d\\)/\\(b\\): ${RATIO}\n`));
  assert.match(out, new RegExp(`ratio \\(e\\)/\\(b\\): ${RATIO} \\(target`));
});

test("bench:build runs at a tiny size, the site and the commit included, and prints its ratios", async () => {
  const out = await bench("bench/build.ts", {
    BENCH_PLUGINS: "3",
    BENCH_VERSIONS: "2",
    BENCH_SITE_PLUGINS: "2",
  });
  assert.match(out, /registry: 3 plugins × 2 versions/);
  assert.match(out, /manifests judged 1 of 7/);
  assert.match(out, new RegExp(`\\(a\\)/\\(b\\) = ${RATIO} \\(target`));
  // A folder outside git is printed beside its floors; the rebuild target is (e)'s, below.
  assert.match(out, new RegExp(`\\(c\\)/\\(a\\) = ${RATIO}% \\(a folder outside git`));
  assert.match(out, new RegExp(`\\(d\\) nothing changed / full = ${RATIO}% \\(target`));
  assert.match(out, /\(c1\) stat floor: /);
  // From a commit: only the plugins the commit reaches judged (the new version's plugin, whole, and
  // what it depends on), fewer manifests than the registry holds; its outputs written.
  const judged =
    /rebuild after a commit adding one version: .*manifests judged (\d+), files written [1-9]/.exec(out);
  const total = /manifests judged 1 of (\d+)/.exec(out);
  assert.ok(judged && total, out);
  assert.ok(Number(judged[1]) >= 1 && Number(judged[1]) < Number(total[1]), out);
  assert.match(out, new RegExp(`\\(e\\) rebuild / full from the commit = ${RATIO}% \\(target ≤ 5%\\)`));
  // (d) ran in a process of its own and printed there.
  assert.match(out, /\(d\) with the site, 2 plugins × 3 versions \(a process of its own\)/);
});

test("bench:cli runs once per case on the package layout it installs, and prints its targets", async () => {
  const out = await bench("bench/cli.ts", { BENCH_RUNS: "1" });
  assert.match(out, /installed: finfocus-registry --help +\d+ ms .*target (≤ )?150 ms/);
  assert.match(out, /installed: validate \(one manifest\) +\d+ ms .*target (≤ )?250 ms/);
});
