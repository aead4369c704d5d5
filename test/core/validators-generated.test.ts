import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { buildValidators, GENERATED_DIR, generatedModules } from "../../scripts/build-validators.ts";

test("the committed standalone validators equal a fresh build (run npm run build:validators)", () => {
  const dir = mkdtempSync(join(tmpdir(), "validators-"));
  try {
    buildValidators(dir);
    const files = readdirSync(dir).sort();
    assert.deepEqual(
      files,
      generatedModules()
        .flatMap((m) => [m.file, m.file.replace(/\.js$/, ".d.ts")])
        .sort(),
    );
    assert.deepEqual(readdirSync(GENERATED_DIR).sort(), files, `${GENERATED_DIR} holds other files`);
    for (const file of files) {
      assert.ok(
        readFileSync(join(dir, file)).equals(readFileSync(join(GENERATED_DIR, file))),
        `${GENERATED_DIR}/${file} is stale: run npm run build:validators and commit it`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
