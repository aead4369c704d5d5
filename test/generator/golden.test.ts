import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { build, copyFixture, GOLDEN_DIR, hashTree, listTree, tempDir } from "./helpers.ts";

test("the fixture registry's API equals the golden files (regenerate: node scripts/update-golden.ts)", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const out = path.join(dir, "out");
    const result = await build(copyFixture(dir), out);
    assert.deepEqual(result.findings, []);
    assert.deepEqual(listTree(out), listTree(GOLDEN_DIR));
    for (const file of listTree(out)) {
      assert.equal(
        readFileSync(path.join(out, file), "utf8"),
        readFileSync(path.join(GOLDEN_DIR, file), "utf8"),
        `${file} differs from its golden file`,
      );
    }
  } finally {
    cleanup();
  }
});

test("building twice gives byte-identical trees, and a rebuild in place writes nothing", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const registry = copyFixture(dir);
    await build(registry, path.join(dir, "a"));
    await build(registry, path.join(dir, "b"));
    assert.equal(hashTree(path.join(dir, "a")), hashTree(path.join(dir, "b")));
    const again = await build(registry, path.join(dir, "a"));
    assert.deepEqual(again.report?.written, []);
    assert.deepEqual(again.report?.deleted, []);
    assert.equal(again.report?.unchanged, listTree(path.join(dir, "a")).length);
  } finally {
    cleanup();
  }
});
