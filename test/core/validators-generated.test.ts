import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { buildValidators, GENERATED } from "../../scripts/build-validators.ts";

test("the committed standalone validators equal a fresh build (run npm run build:validators)", () => {
  const dir = mkdtempSync(join(tmpdir(), "validators-"));
  try {
    const file = join(dir, "validators.js");
    buildValidators(file);
    for (const [fresh, committed] of [
      [file, GENERATED],
      [file.replace(/\.js$/, ".d.ts"), GENERATED.replace(/\.js$/, ".d.ts")],
    ] as const) {
      assert.ok(
        readFileSync(fresh).equals(readFileSync(committed)),
        `${committed} is stale: run npm run build:validators and commit it`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
