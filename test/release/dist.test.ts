import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { buildReleaseAction } from "../../scripts/build-action.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

test("the committed release/dist/index.js equals a fresh build (run npm run build:action)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "release-build-"));
  try {
    await buildReleaseAction(join(dir, "index.js"));
    const fresh = readFileSync(join(dir, "index.js"));
    const committed = readFileSync(`${root}release/dist/index.js`);
    assert.ok(
      fresh.equals(committed),
      "release/dist/index.js is stale: run npm run build:action and commit it",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("release/action.yml runs the bundle on node24 and declares exactly the inputs the settings read", () => {
  const action = parse(readFileSync(`${root}release/action.yml`, "utf8")) as {
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    runs: { using: string; main: string };
  };
  assert.deepEqual(action.runs, { using: "node24", main: "dist/index.js" });
  const settings = readFileSync(`${root}release/settings.ts`, "utf8");
  const read = new Set([...settings.matchAll(/(?:getInput|bool|secret)\("([\w-]+)"/g)].map((m) => m[1]!));
  assert.deepEqual([...read].sort(), Object.keys(action.inputs).sort());
  const report = readFileSync(`${root}release/report.ts`, "utf8");
  const set = new Set([...report.matchAll(/setOutput\("([\w-]+)"/g)].map((m) => m[1]!));
  assert.deepEqual([...set].sort(), Object.keys(action.outputs).sort());
});
