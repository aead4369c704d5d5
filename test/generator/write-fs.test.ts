import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import type { Output } from "../../generator/output.types.ts";
import { sha256Hex, writeTree } from "../../generator/write-fs.ts";
import { tempDir } from "./helpers.ts";

test("writeTree takes strings, bytes and lazy outputs; an unchanged known hash is never produced", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const copied = '{"copied":true}\n';
    let produced = 0;
    const outputs = (): Output[] => [
      { path: "api/v1/a.json", bytes: '{"a":"é"}\n' },
      { path: "api/v1/b.bin", bytes: new Uint8Array([1, 2, 3]) },
      {
        path: "api/v1/c.json",
        sha256: sha256Hex(copied),
        bytes: async () => {
          produced++;
          return copied;
        },
      },
    ];
    const first = await writeTree(dir, outputs());
    assert.deepEqual(first.written, ["api/v1/a.json", "api/v1/b.bin", "api/v1/c.json"]);
    assert.equal(produced, 1);
    assert.equal(readFileSync(path.join(dir, "api/v1/a.json"), "utf8"), '{"a":"é"}\n');
    assert.equal(first.files.get("api/v1/a.json"), sha256Hex(Buffer.from('{"a":"é"}\n')));
    const second = await writeTree(dir, outputs());
    assert.deepEqual(second.written, []);
    assert.equal(second.unchanged, 3);
    assert.equal(produced, 1);
  } finally {
    cleanup();
  }
});

test("writeTree refuses output paths that leave the folder", async () => {
  const { dir, cleanup } = tempDir();
  try {
    for (const bad of ["../x.json", "/etc/x.json", "a/../../x.json", "a\\b.json", "a//b.json"]) {
      await assert.rejects(writeTree(dir, [{ path: bad, bytes: "x" }]), { code: "UNSAFE_OUTPUT_PATH" }, bad);
    }
  } finally {
    cleanup();
  }
});
