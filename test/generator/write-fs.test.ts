import assert from "node:assert/strict";
import { appendFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import type { Output } from "../../generator/output.types.ts";
import { STATE_FILE, sha256Hex, writeTree } from "../../generator/write-fs.ts";
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

test("writeTree leaves the state as it was when nothing changed, and rewrites it when anything did", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const state = path.join(dir, STATE_FILE);
    const outputs = (b: string): Output[] => [
      { path: "api/v1/a.json", bytes: "a\n" },
      { path: "api/v1/b.json", key: "k1", bytes: async () => b },
    ];
    await writeTree(dir, outputs("b\n"));
    // A mark the writer would not write: it stays only if the file is left as it was.
    appendFileSync(state, " ");
    const same = await writeTree(dir, outputs("b\n"));
    assert.equal(same.unchanged, 2);
    assert.ok(readFileSync(state, "utf8").endsWith(" "), "the state file was left as it was");
    // A new key with the same bytes writes no file but is a new state.
    const rekeyed = [{ ...outputs("b\n")[0]! }, { ...outputs("b\n")[1]!, key: "k2" }];
    assert.deepEqual((await writeTree(dir, rekeyed)).written, []);
    assert.ok(!readFileSync(state, "utf8").endsWith(" "));
    assert.equal(JSON.parse(readFileSync(state, "utf8")).keys["api/v1/b.json"], "k2");
    // A file gone from the outputs is deleted and the state rewritten without it.
    const fewer = await writeTree(dir, [{ path: "api/v1/a.json", bytes: "a\n" }]);
    assert.deepEqual(fewer.deleted, ["api/v1/b.json"]);
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(state, "utf8")).files), ["api/v1/a.json"]);
  } finally {
    cleanup();
  }
});

test("a large write (on two threads) puts every file's exact bytes on disk, buffers left intact", async () => {
  const { dir, cleanup } = tempDir();
  try {
    // Small pooled buffers share one ArrayBuffer: handing one to the writer thread must not detach it.
    const pooled = Buffer.from("pooled bytes\n");
    const outputs: Output[] = [];
    for (let i = 0; i < 1500; i++) {
      const folder = `api/v1/plugins/p${i % 150}/versions/1.${i}.0`;
      outputs.push(
        i % 3 === 0
          ? { path: `${folder}/manifest.json`, bytes: `{"i":${i},"é":"${"x".repeat(i % 700)}"}\n` }
          : i % 3 === 1
            ? { path: `${folder}/manifest.json`, bytes: async () => Buffer.from(`bytes ${i}\n`) }
            : { path: `${folder}/manifest.json`, bytes: pooled },
      );
    }
    const report = await writeTree(dir, outputs);
    assert.equal(report.written.length, 1500);
    assert.equal(pooled.toString(), "pooled bytes\n");
    for (const [i, output] of outputs.entries()) {
      const bytes = readFileSync(path.join(dir, output.path));
      assert.equal(sha256Hex(bytes), report.files.get(output.path), output.path);
      if (i % 3 === 1) assert.equal(bytes.toString(), `bytes ${i}\n`);
    }
  } finally {
    cleanup();
  }
});

test("a large write reports a file that cannot be written, whichever thread wrote it", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const outputs: Output[] = [];
    for (let i = 0; i < 1500; i++) outputs.push({ path: `api/v1/f${i}/x.json`, bytes: `${i}\n` });
    // One output is a file where others need a folder: whichever comes second fails.
    outputs.push({ path: "api/v1/blocked", bytes: "a file\n" });
    for (let i = 0; i < 1500; i++) outputs.push({ path: `api/v1/blocked/g${i}.json`, bytes: `${i}\n` });
    await assert.rejects(writeTree(dir, outputs), (error: NodeJS.ErrnoException) => {
      assert.ok(["ENOTDIR", "EEXIST", "EISDIR"].includes(error.code ?? ""), String(error.code));
      return true;
    });
  } finally {
    cleanup();
  }
});

test("writeTree refuses bytes that do not match the hash an output announced (a file changed since validation)", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const outputs: Output[] = [
      {
        path: "api/v1/m.json",
        sha256: sha256Hex('{"validated":true}\n'),
        bytes: async () => '{"edited":true}\n',
      },
    ];
    await assert.rejects(writeTree(dir, outputs), (error: { code?: string }) => error.code === "IO_ERROR");
  } finally {
    cleanup();
  }
});
