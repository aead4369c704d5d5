/**
 * bench:daemon still runs: at a tiny size (20 plugins, 3 clients) it starts `finfocus-registry
 * daemon` in its own process, gets answers from it (all 20 names start with the bench's filter)
 * and prints its latency, ratio and CPU lines.
 * No timing is asserted (the figures are the benchmark's, docs/daemon.md "Speed"); its exit code
 * says whether the ratio met its goal, so 0 and 1 both pass here, a crash does not.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

test("bench:daemon runs at a tiny size and prints both RPCs' figures", async () => {
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve) => {
      execFile(
        process.execPath,
        ["bench/daemon.ts"],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            BENCH_PLUGINS: "20",
            BENCH_CLIENTS: "3",
            BENCH_CALLS_PER_CLIENT: "1",
            BENCH_ROUNDS: "2",
          },
          encoding: "utf8",
          timeout: 120_000,
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    },
  );
  assert.ok(code === 0 || code === 1, `exit ${code}: ${stderr}`);
  assert.match(stdout, /20 plugins, 3 concurrent clients \(one connection each\) × 1 calls, 2 rounds/);
  for (const rpc of ["DiscoverPlugins", "ListInstalledPlugins"]) {
    assert.match(
      stdout,
      new RegExp(`${rpc} \\(20 results\\)`),
      "the daemon answered with the 20 plugins asked for",
    );
  }
  assert.equal(stdout.match(/ratio at p50: \d+\.\d+×/g)?.length, 2);
  assert.equal(stdout.match(/CPU per call: daemon process (\d+\.\d+|NaN) ms/g)?.length, 2);
});
