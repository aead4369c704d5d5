/**
 * `npm run fuzz -- --target <manifest|archive|api|signature|search|oci|documents|daemon|cli|caches|all> --minutes 10 [--seed N]`:
 * long fuzz runs, one target after another, each time-boxed. A failing input is shrunk by
 * fast-check and saved under test/fixtures/fuzz/<target>/, where `npm test` replays it from then
 * on. Prints, per target, the inputs tried, the time and the slowest input; exit 1 on a failure.
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { campaign } from "./campaign.ts";
import { saveFailure } from "./fixtures.ts";
import { targets } from "./targets/index.ts";

const { values } = parseArgs({
  options: {
    target: { type: "string", default: "all" },
    minutes: { type: "string", default: "1" },
    seed: { type: "string" },
    runs: { type: "string" },
    "ceiling-ms": { type: "string", default: "2000" },
  },
});
const names = values.target === "all" ? Object.keys(targets) : String(values.target).split(",");
const unknown = names.filter((n) => !targets[n]);
if (unknown.length > 0) {
  console.error(`unknown target ${unknown.join(", ")}: one of ${Object.keys(targets).join(", ")} or all`);
  process.exit(2);
}
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
let failed = false;
for (const name of names) {
  const target = targets[name] as (typeof targets)[string];
  const result = await campaign(target, {
    seed,
    timeLimitMs: Number(values.minutes) * 60_000,
    ...(values.runs !== undefined ? { numRuns: Number(values.runs) } : {}),
    ceilingMs: Number(values["ceiling-ms"]),
  });
  const line = `${name}: ${result.runs} inputs in ${(result.ms / 1000).toFixed(0)} s (seed ${seed}), slowest ${result.slowestMs.toFixed(1)} ms CPU, mean ${result.meanMs.toFixed(2)} ms`;
  if (result.slowest !== undefined) {
    // Kept out of the project: a slow input is worth a look, not yet a failure.
    const file = path.join(tmpdir(), `fuzz-slowest-${name}.json`);
    writeFileSync(
      file,
      JSON.stringify({ ms: result.slowestMs, input: target.encode(result.slowest as never) }),
    );
    console.log(`${name}: slowest input written to ${file}`);
  }
  if (result.failure) {
    failed = true;
    const file = saveFailure(target, result.failure.input as never, result.failure.error, seed);
    console.log(`${line}: FAILED\n${result.failure.error}\nminimized input saved to ${file}`);
  } else console.log(`${line}: no failure`);
}
process.exitCode = failed ? 1 : 0;
