/**
 * The fuzzer inside `npm test`: every target with a fixed seed and a small budget, then every
 * minimized failing input that a long run (`npm run fuzz`) saved under test/fixtures/fuzz/.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { campaign } from "../../fuzz/campaign.ts";
import { savedInputs } from "../../fuzz/fixtures.ts";
import { targets } from "../../fuzz/targets/index.ts";

/** Inputs per target: a few seconds in all on a loaded 2-core machine. */
const BUDGET: Record<string, number> = {
  manifest: 150,
  archive: 60,
  api: 300,
  signature: 120,
  search: 200,
  oci: 300,
  documents: 500,
  daemon: 200,
  cli: 150,
  caches: 1000,
};
const SEED = 20_261_202;

for (const [name, target] of Object.entries(targets)) {
  test(`fuzz ${name}: ${BUDGET[name]} inputs, seed ${SEED}`, async () => {
    const result = await campaign(target, { seed: SEED, numRuns: BUDGET[name] ?? 50 });
    assert.equal(result.failure, undefined, result.failure?.error);
    assert.equal(result.runs, BUDGET[name]);
  });

  for (const { file, saved } of savedInputs(name)) {
    test(`fuzz ${name}: saved input ${file.split(/[\\/]/).pop()} keeps the contract`, async () => {
      assert.equal(saved.target, name);
      await target.check(target.decode(saved.input));
    });
  }
}
