import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { RegistryError } from "../../core/errors.ts";
import { parseValue, readStateLines, STATE_FORMAT, StateWriter } from "../../generator/build-state.ts";
import type { Output, OutputGroup } from "../../generator/output.types.ts";
import { type AheadFile, STATE_FILE, sha256Hex, writeAhead, writeTree } from "../../generator/write-fs.ts";
import { hashTree, tempDir } from "./helpers.ts";

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

/** The state's line for `id` (build-state.ts), parsed. */
function stateLine(dir: string, id: string): { key: string; files: [string, string][] } | undefined {
  const lines = readStateLines(readFileSync(path.join(dir, STATE_FILE)));
  const value = lines?.get(id);
  if (value === undefined) return undefined;
  return { key: value.slice(0, value.indexOf("\t")), files: parseValue(value) ?? [] };
}

/** The state file's inode and modification time: a rewrite (a rename into place) changes them. */
function stateIdentity(dir: string): string {
  const s = statSync(path.join(dir, STATE_FILE), { bigint: true });
  return `${s.ino}:${s.mtimeNs}`;
}

test("writeTree leaves the state as it was when nothing changed, and rewrites it when anything did", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const outputs = (b: string): Output[] => [
      { path: "api/v1/a.json", bytes: "a\n" },
      { path: "api/v1/b.json", key: "k1", bytes: async () => b },
    ];
    await writeTree(dir, outputs("b\n"));
    const before = stateIdentity(dir);
    const same = await writeTree(dir, outputs("b\n"));
    assert.equal(same.unchanged, 2);
    assert.equal(stateIdentity(dir), before, "the state file was left as it was");
    // A new key with the same bytes writes no file but is a new state.
    const rekeyed = [{ ...outputs("b\n")[0]! }, { ...outputs("b\n")[1]!, key: "k2" }];
    assert.deepEqual((await writeTree(dir, rekeyed)).written, []);
    assert.notEqual(stateIdentity(dir), before);
    assert.equal(stateLine(dir, "file:api/v1/b.json")?.key, "k2");
    // A file gone from the outputs is deleted and the state rewritten without it.
    const fewer = await writeTree(dir, [{ path: "api/v1/a.json", bytes: "a\n" }]);
    assert.deepEqual(fewer.deleted, ["api/v1/b.json"]);
    assert.deepEqual(
      [...(readStateLines(readFileSync(path.join(dir, STATE_FILE)))?.keys() ?? [])],
      ["file:api/v1/a.json"],
    );
  } finally {
    cleanup();
  }
});

/** A group of outputs named `name` under `key`, counting how often it is listed and produced. */
function group(
  name: string,
  key: string,
  files: Record<string, string>,
  counts = { listed: 0, produced: 0 },
): OutputGroup {
  return {
    group: name,
    key,
    outputs: () => {
      counts.listed++;
      return Object.entries(files).map(([p, text]) => ({
        path: p,
        bytes: async () => {
          counts.produced++;
          return text;
        },
      }));
    },
  };
}

test("a group whose key is unchanged is skipped whole: not listed, not produced, its line kept", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const counts = { listed: 0, produced: 0 };
    const items = (alphaKey: string, alpha: Record<string, string>): (Output | OutputGroup)[] => [
      { path: "api/v1/index.json", bytes: "index\n" },
      group("plugins/alpha", alphaKey, alpha),
      group(
        "plugins/beta",
        "b1",
        { "api/v1/beta/index.json": "beta\n", "api/v1/beta/1.json": "b\n" },
        counts,
      ),
    ];
    const alpha1 = { "api/v1/alpha/index.json": "alpha 1\n", "api/v1/alpha/1.json": "1\n" };
    const first = await writeTree(dir, items("a1", alpha1));
    assert.equal(first.written.length, 5);
    assert.deepEqual(counts, { listed: 1, produced: 2 });
    const line = stateLine(dir, "group:plugins/beta");
    assert.deepEqual(line?.key, "b1");

    // alpha gains a version: only alpha is listed; beta's line is kept, byte for byte.
    const alpha2 = { ...alpha1, "api/v1/alpha/index.json": "alpha 2\n", "api/v1/alpha/2.json": "2\n" };
    const second = await writeTree(dir, items("a2", alpha2));
    assert.deepEqual(second.written, ["api/v1/alpha/index.json", "api/v1/alpha/2.json"]);
    assert.equal(second.unchanged, 4, "the index, alpha's unchanged file and beta's two");
    assert.deepEqual(counts, { listed: 1, produced: 2 });
    assert.deepEqual(stateLine(dir, "group:plugins/beta"), line);

    // report.files, read from the state, equals a full walk's (a fresh folder), in order.
    const { dir: fresh, cleanup: cleanFresh } = tempDir();
    try {
      const full = await writeTree(fresh, items("a2", alpha2));
      assert.deepEqual([...second.files], [...full.files]);
      assert.deepEqual(
        [...second.files.keys()],
        ["api/v1/index.json", ...Object.keys(alpha2), "api/v1/beta/index.json", "api/v1/beta/1.json"],
      );
      for (const [p, sha256] of second.files)
        assert.equal(sha256Hex(readFileSync(path.join(dir, p))), sha256);
    } finally {
      cleanFresh();
    }
  } finally {
    cleanup();
  }
});

test("a file of an unchanged group deleted by hand: the state is trusted; ignoreState writes it again", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const items = () => [group("plugins/beta", "b1", { "api/v1/beta/index.json": "beta\n" })];
    await writeTree(dir, items());
    rmSync(path.join(dir, "api/v1/beta/index.json"));
    const trusting = await writeTree(dir, items());
    assert.deepEqual(trusting.written, []);
    assert.equal(existsSync(path.join(dir, "api/v1/beta/index.json")), false);
    const full = await writeTree(dir, items(), { ignoreState: true });
    assert.deepEqual(full.written, ["api/v1/beta/index.json"]);
    assert.equal(readFileSync(path.join(dir, "api/v1/beta/index.json"), "utf8"), "beta\n");
  } finally {
    cleanup();
  }
});

test("a group that disappears has its files deleted; a changed group's dropped file too", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const alpha = (key: string, files: Record<string, string>) => group("plugins/alpha", key, files);
    const beta = group("plugins/beta", "b1", {
      "api/v1/beta/index.json": "beta\n",
      "api/v1/beta/v/1.json": "1\n",
    });
    await writeTree(dir, [
      alpha("a1", { "api/v1/alpha/index.json": "a\n", "api/v1/alpha/v/1.json": "1\n" }),
      beta,
    ]);
    const report = await writeTree(dir, [alpha("a2", { "api/v1/alpha/index.json": "a\n" })]);
    assert.deepEqual(report.deleted, [
      "api/v1/alpha/v/1.json",
      "api/v1/beta/index.json",
      "api/v1/beta/v/1.json",
    ]);
    assert.equal(existsSync(path.join(dir, "api/v1/beta")), false, "its folders pruned");
    assert.equal(existsSync(path.join(dir, "api/v1/alpha/v")), false);
    assert.deepEqual([...report.files.keys()], ["api/v1/alpha/index.json"]);
    assert.deepEqual(
      [...(readStateLines(readFileSync(path.join(dir, STATE_FILE)))?.keys() ?? [])],
      ["group:plugins/alpha"],
    );
  } finally {
    cleanup();
  }
});

test("a path claimed twice is refused, whether the other output is listed or kept in an unchanged group", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const beta = group("plugins/beta", "b1", { "api/v1/beta/index.json": "beta\n" });
    await writeTree(dir, [group("plugins/alpha", "a1", { "api/v1/alpha/index.json": "a\n" }), beta]);
    const before = readFileSync(path.join(dir, STATE_FILE));
    // alpha changes and claims a path beta (kept, not listed) holds.
    const claiming = group("plugins/alpha", "a2", {
      "api/v1/alpha/index.json": "a\n",
      "api/v1/beta/index.json": "x\n",
    });
    await assert.rejects(writeTree(dir, [claiming, beta]), { code: "DUPLICATE_OUTPUT" });
    assert.deepEqual(readFileSync(path.join(dir, STATE_FILE)), before, "nothing written, the state kept");
    await assert.rejects(writeTree(dir, [beta, beta]), { code: "DUPLICATE_OUTPUT" });
    await assert.rejects(
      writeTree(dir, [beta, { path: "api/v1/beta/index.json", bytes: "x\n" }], { ignoreState: true }),
      { code: "DUPLICATE_OUTPUT" },
    );
    await assert.rejects(writeTree(dir, [group("a\tb", "k", {})]), { code: "INTERNAL_ERROR" });
    await assert.rejects(writeTree(dir, [{ path: "api/v1/a\nb.json", bytes: "x" }]), {
      code: "UNSAFE_OUTPUT_PATH",
    });
  } finally {
    cleanup();
  }
});

test("a state of an older format, truncated or foreign reads as no state: files on disk are compared", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const counts = { listed: 0, produced: 0 };
    const items = () => [group("plugins/beta", "b1", { "api/v1/beta/index.json": "beta\n" }, counts)];
    await writeTree(dir, items());
    const state = path.join(dir, STATE_FILE);
    const good = readFileSync(state);
    const older = JSON.stringify({
      version: 2,
      files: { "api/v1/beta/index.json": "0".repeat(64) },
      keys: {},
    });
    for (const bad of [older, good.subarray(0, good.length - 1), "some other file\n", ""]) {
      writeFileSync(state, bad);
      const report = await writeTree(dir, items());
      assert.deepEqual(report.written, [], "the file on disk was compared, not rewritten");
      assert.deepEqual(readFileSync(state), good, "the state written again in its format");
    }
    assert.equal(counts.listed, 5, "listed on every build without state");
  } finally {
    cleanup();
  }
});

test("an output made from the previous build's bytes gets them only when they are those its state records", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const seen: string[] = [];
    const item = (key: string, text: string, made?: string): Output => ({
      path: "api/v1/index.json",
      key,
      bytes: async () => text,
      update: async (previous) => {
        seen.push(Buffer.from(previous).toString());
        return made;
      },
    });
    await writeTree(dir, [item("k1", "one\n")]);
    assert.deepEqual(seen, [], "no previous bytes without a state");
    // Made from the previous bytes (here: unlike what `bytes` gives, to tell them apart).
    await writeTree(dir, [item("k2", "two\n", "patched\n")]);
    assert.deepEqual(seen, ["one\n"]);
    assert.equal(readFileSync(path.join(dir, "api/v1/index.json"), "utf8"), "patched\n");
    // Undefined: the bytes are rendered.
    await writeTree(dir, [item("k3", "three\n")]);
    assert.deepEqual(seen, ["one\n", "patched\n"]);
    assert.equal(readFileSync(path.join(dir, "api/v1/index.json"), "utf8"), "three\n");
    // Edited by hand since: not the bytes the state records, never given.
    writeFileSync(path.join(dir, "api/v1/index.json"), "edited\n");
    await writeTree(dir, [item("k4", "four\n", "patched\n")]);
    assert.equal(seen.length, 2);
    assert.equal(readFileSync(path.join(dir, "api/v1/index.json"), "utf8"), "four\n");
    // Without the state's trust (ignoreState), never given either.
    await writeTree(dir, [item("k5", "five\n", "patched\n")], { ignoreState: true });
    assert.equal(seen.length, 2);
  } finally {
    cleanup();
  }
});

test("the state's lines are found in its bytes: the last line of an id wins in the place of its first, kept lines are written back byte for byte", () => {
  const sha = (c: string) => c.repeat(64);
  const text = [
    STATE_FORMAT,
    `group:plugins/a\tka\t1\tapi/v1/a.json\t${sha("a")}`,
    "a line without a tab",
    `file:api/v1/x.json\tkx\t1\tapi/v1/x.json\t${sha("b")}`,
    `group:plugins/\u00e9\tk\u00e9\t1\tapi/v1/\u00e9.json\t${sha("c")}`,
    `group:plugins/a\tka2\t1\tapi/v1/a2.json\t${sha("d")}`,
    "",
  ].join("\n");
  const bytes = Buffer.from(text);
  // A byte that is not UTF-8 inside the last line's value: kept as the bytes it was read as.
  const bad = Buffer.concat([bytes.subarray(0, bytes.length - 2), Buffer.from([0xff]), Buffer.from("d\n")]);
  const lines = readStateLines(bad);
  assert.ok(lines);
  assert.deepEqual([...lines.keys()], ["group:plugins/a", "file:api/v1/x.json", "group:plugins/é"]);
  assert.equal(lines.size, 3);
  assert.equal(
    lines.keptCount("group:plugins/a", "ka"),
    undefined,
    "an earlier line of an id is not its line",
  );
  assert.equal(lines.keptCount("group:plugins/a", "ka2"), 1);
  assert.equal(lines.keptCount("group:plugins/é", "ké"), 1);
  assert.equal(lines.keptCount("group:plugins/é", "k"), undefined, "a key that is a prefix of another");
  assert.equal(lines.keptCount("nothing", "k"), undefined);
  assert.equal(lines.get("file:api/v1/x.json"), `kx\t1\tapi/v1/x.json\t${sha("b")}`);
  assert.equal(lines.get("group:plugins/a")?.endsWith("\ufffdd"), true, "decoded as a whole text is");
  // Which lines hold a path: one search of the bytes; an earlier line of an id is not searched.
  assert.deepEqual([...lines.holding("\tapi/v1/x.json\t")], ["file:api/v1/x.json"]);
  assert.deepEqual([...lines.holding("\tapi/v1/a.json\t")], []);
  assert.deepEqual([...lines.holding("\tapi/v1/a2.json\t")], ["group:plugins/a"]);
  assert.deepEqual([...lines.holding("\tapi/v1/é.json\t")], ["group:plugins/é"]);
  // A damaged state: a line without an id holding the path is passed over, and the search ends.
  const damaged = readStateLines(
    Buffer.concat([
      lines.bytes.subarray(0, lines.bytes.indexOf(10) + 1),
      Buffer.from(`file:a\tk\t1\tapi/v1/a.json\t${sha("a")}\n\tx\tapi/v1/b.json\t${sha("b")}\n`),
    ]),
  );
  assert.deepEqual([...(damaged?.holding("\tapi/v1/b.json\t") ?? ["unread"])], []);
  assert.deepEqual([...(damaged?.holding("\tapi/v1/a.json\t") ?? ["unread"])], ["file:a"]);
  // Kept lines (adjacent ones as one range) and new ones, in order.
  const writer = new StateWriter();
  writer.keep(lines, "file:api/v1/x.json");
  writer.keep(lines, "group:plugins/é");
  writer.add("file:new\t\t0");
  writer.keep(lines, "group:plugins/a");
  assert.equal(writer.length, 4);
  const written = Buffer.concat(writer.pieces().map((p) => (typeof p === "string" ? Buffer.from(p) : p)));
  const lineBytes = (id: string) => {
    const [start, end] = lines.range(id) ?? [0, 0];
    return bad.subarray(start, end);
  };
  assert.deepEqual(
    written,
    Buffer.concat([
      Buffer.from(`${STATE_FORMAT}\n`),
      lineBytes("file:api/v1/x.json"),
      lineBytes("group:plugins/é"),
      Buffer.from("file:new\t\t0\n"),
      lineBytes("group:plugins/a"),
    ]),
  );
  assert.equal(writer.lines().length, 4);
  assert.equal(writer.lines()[2], "file:new\t\t0");
  // Read back, the same lines.
  const again = readStateLines(written);
  assert.deepEqual(
    [...(again?.keys() ?? [])],
    ["file:api/v1/x.json", "group:plugins/é", "file:new", "group:plugins/a"],
  );
  assert.equal(again?.get("group:plugins/a"), lines.get("group:plugins/a"));
  // Of another format, cut short, or with a byte order mark: no state.
  assert.equal(readStateLines(bad.subarray(0, bad.length - 1)), undefined);
  assert.equal(readStateLines(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bad])), undefined);
  assert.equal(readStateLines(Buffer.from("finfocus-build-state/2\n")), undefined);
  assert.equal(readStateLines(Buffer.from(`${STATE_FORMAT}\n`))?.size, 0);
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
    // One output is a file where others need a folder: whichever comes second fails (a file where
    // a folder goes, or a folder where a file goes), as the RegistryError the main thread throws.
    outputs.push({ path: "api/v1/blocked", bytes: "a file\n" });
    for (let i = 0; i < 1500; i++) outputs.push({ path: `api/v1/blocked/g${i}.json`, bytes: `${i}\n` });
    await assert.rejects(writeTree(dir, outputs), (error: unknown) => {
      assert.ok(error instanceof RegistryError, String(error));
      assert.equal(error.code, "UNSAFE_OUTPUT_PATH");
      assert.match(String(error.details.file), /api\/v1\/blocked$/);
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

/** Manifests to write ahead (enough for the writer thread to start) and the outputs listing them. */
function aheadCase(count: number): { files: AheadFile[]; outputs: (Output | OutputGroup)[] } {
  const files: AheadFile[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = Buffer.from(`{"i":${i},"pad":"${"x".repeat(i % 300)}"}\n`);
    files.push({
      path: `api/v1/plugins/p${i % 97}/versions/1.${i}.0/manifest.json`,
      bytes,
      sha256: sha256Hex(bytes),
    });
  }
  const outputs: (Output | OutputGroup)[] = [{ path: "api/v1/index.json", bytes: '{"index":true}\n' }];
  for (let p = 0; p < 97; p++)
    outputs.push({
      group: `plugins/p${p}`,
      key: `k${p}`,
      outputs: () => [
        { path: `api/v1/plugins/p${p}/index.json`, bytes: `{"p":${p}}\n` },
        ...files
          .filter((f) => f.path.startsWith(`api/v1/plugins/p${p}/`))
          .map((f) => ({ path: f.path, sha256: f.sha256, bytes: f.bytes })),
      ],
    });
  return { files, outputs };
}

test("manifests written ahead give the same files, report and state as writing them in turn", async () => {
  const { dir, cleanup } = tempDir();
  try {
    // Thousands of files, the outputs listed at once: both threads take part in those written ahead.
    const { files, outputs } = aheadCase(3000);
    const inTurn = path.join(dir, "in-turn");
    const early = path.join(dir, "ahead");
    const plain = await writeTree(inTurn, outputs);
    const ahead = writeAhead(early, files);
    assert.ok(ahead, "an empty folder is written ahead");
    const report = await writeTree(early, outputs, { ahead });
    assert.deepEqual(report.written, plain.written);
    assert.deepEqual([...report.files], [...plain.files]);
    assert.deepEqual(report.deleted, []);
    assert.equal(hashTree(early), hashTree(inTurn));
    assert.deepEqual(readFileSync(path.join(early, STATE_FILE)), readFileSync(path.join(inTurn, STATE_FILE)));
    for (const file of files) assert.deepEqual(readFileSync(path.join(early, file.path)), file.bytes);
    // The next build trusts that state as it would any other.
    const again = await writeTree(early, outputs);
    assert.deepEqual(again.written, []);
  } finally {
    cleanup();
  }
});

test("a file written ahead that no output lists is deleted as stale; one listed with other bytes is a bug refused", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const { files, outputs } = aheadCase(400);
    const extra = Buffer.from("{}\n");
    const stray = {
      path: "api/v1/plugins/gone/versions/1.0.0/manifest.json",
      bytes: extra,
      sha256: sha256Hex(extra),
    };
    const out = path.join(dir, "stale");
    const ahead = writeAhead(out, [...files, stray]);
    assert.ok(ahead);
    const report = await writeTree(out, outputs, { ahead });
    assert.deepEqual(report.deleted, [stray.path]);
    assert.equal(existsSync(path.join(out, "api/v1/plugins/gone")), false, "its folders are pruned");

    const other = path.join(dir, "other");
    const wrong = files.map((f, i) => (i === 5 ? { ...f, sha256: sha256Hex("another manifest") } : f));
    const wrongAhead = writeAhead(other, wrong);
    assert.ok(wrongAhead);
    await assert.rejects(writeTree(other, outputs, { ahead: wrongAhead }), {
      code: "INTERNAL_ERROR",
      message: new RegExp(files[5]!.path.replaceAll(".", "\\.")),
    });
    assert.equal(existsSync(path.join(other, STATE_FILE)), false, "no state vouches for the folder");
  } finally {
    cleanup();
  }
});

test("nothing is written ahead into a folder with a state or files of ours; a link at api/v1 is refused first", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const { files, outputs } = aheadCase(200);
    const built = path.join(dir, "built");
    await writeTree(built, outputs);
    assert.equal(writeAhead(built, files), undefined, "a folder with a state is rebuilt, not written ahead");
    rmSync(path.join(built, STATE_FILE));
    assert.equal(
      writeAhead(built, files),
      undefined,
      "files of ours without a state are compared, not written ahead",
    );

    const linked = path.join(dir, "linked");
    const victim = path.join(dir, "victim");
    mkdirSync(path.join(linked, "api"), { recursive: true });
    mkdirSync(victim);
    symlinkSync(victim, path.join(linked, "api/v1"));
    assert.throws(() => writeAhead(linked, files), { code: "UNSAFE_OUTPUT_PATH" });
    assert.deepEqual(readdirSync(victim), []);
  } finally {
    cleanup();
  }
});

test("files written ahead whose build stops before writeTree: the thread is stopped, no state is left", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const { files, outputs } = aheadCase(2000);
    const out = path.join(dir, "stopped");
    const ahead = writeAhead(out, files);
    assert.ok(ahead);
    await ahead.close();
    assert.equal(existsSync(path.join(out, STATE_FILE)), false);
    // The next build compares what it finds and writes what is missing: the tree a build in turn gives.
    const next = await writeTree(out, outputs);
    assert.equal(next.unchanged + next.written.length, files.length + 98);
    const fresh = path.join(dir, "fresh");
    await writeTree(fresh, outputs);
    assert.equal(hashTree(out), hashTree(fresh));
  } finally {
    cleanup();
  }
});

test("a writeTree that refuses stops the writing ahead: no file is written after it throws", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const { files } = aheadCase(10_000);
    const out = path.join(dir, "refused");
    const count = (): number =>
      readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
    const ahead = writeAhead(out, files);
    assert.ok(ahead);
    // Once the thread is writing, handed to a writeTree of another folder: refused at once.
    for (let waited = 0; count() === 0 && waited < 20_000; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await assert.rejects(writeTree(path.join(dir, "elsewhere"), [], { ahead }), { code: "INTERNAL_ERROR" });
    const after = count();
    assert.ok(after > 0 && after < files.length, `the thread was stopped mid-way (${after} files)`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(count(), after, "the writer thread was stopped");
  } finally {
    cleanup();
  }
});

test("files are written ahead into an output folder whose path holds a line break", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const { files, outputs } = aheadCase(300);
    const out = path.join(dir, "line\nbreak");
    const ahead = writeAhead(out, files);
    assert.ok(ahead);
    const report = await writeTree(out, outputs, { ahead });
    assert.equal(report.written.length, files.length + 98);
    for (const file of files) assert.deepEqual(readFileSync(path.join(out, file.path)), file.bytes);
  } finally {
    cleanup();
  }
});
