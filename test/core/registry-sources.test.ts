/**
 * The file-system and git sources report entry kinds and refuse the same things (issue: one view
 * of the registry): a symbolic link is never followed, a FIFO never opened, a submodule never
 * entered; the layout judge turns each into a finding.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { checkLayout } from "../../core/registry/check-layout.ts";
import { gitBatch, lazyTree } from "../../core/registry/git-batch.ts";
import { type LoadOptions, loadRegistry } from "../../core/registry/load-registry.ts";
import { openRegistry } from "../../core/registry/open-registry.ts";
import { fsSource } from "../../core/registry/registry-fs.ts";
import { gitSource } from "../../core/registry/registry-git.ts";
import type { RegistrySource } from "../../core/registry/source.types.ts";
import { validationCode } from "../../generator/verdict-store-fs.ts";

/** A registry folder with one of everything the layout refuses, and a secret outside it. */
function hostileFolder(root: string): string {
  const dir = join(root, "registry");
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  writeFileSync(join(root, "secret.json"), '{"secret": true}');
  write("config.json", "{}");
  write("plugins/good/entry.json", "{}");
  write("plugins/good/versions/1.0.0.json", "{}");
  write("plugins/good/versions/1.0.0.sigstore.json", "{}");
  symlinkSync("../../../../secret.json", join(dir, "plugins/good/versions/1.1.0.json"));
  write("plugins/good/versions/1.2.0.json", "{}");
  chmodSync(join(dir, "plugins/good/versions/1.2.0.json"), 0o755);
  write("plugins/good/versions/1.3.0+x.json", "{}");
  write("plugins/good/versions/2.0.0.json/inner.json", "{}");
  write("plugins/good/.gitattributes", "* ident\n");
  mkdirSync(join(dir, "plugins/linked"), { recursive: true });
  write("plugins/linked/entry.json", "{}");
  symlinkSync("../good/versions", join(dir, "plugins/linked/versions"));
  write("plugins/Bad_Name/entry.json", "{}");
  return dir;
}

const EXPECTED = [
  "INVALID_VERSION plugins/good/versions/1.3.0+x.json",
  "LAYOUT_NOT_REGULAR plugins/good/versions/1.1.0.json",
  "LAYOUT_NOT_REGULAR plugins/good/versions/1.2.0.json",
  "LAYOUT_NOT_REGULAR plugins/linked/versions",
  "LAYOUT_UNEXPECTED plugins/Bad_Name",
  "LAYOUT_UNEXPECTED plugins/good/.gitattributes",
  "LAYOUT_UNEXPECTED plugins/good/versions/2.0.0.json",
];

async function judge(source: RegistrySource) {
  const layout = await checkLayout(source);
  return {
    found: layout.findings.map((f) => `${f.code} ${f.file}`).sort(),
    accepted: layout.plugins
      .map((p) => `${p.name}: ${p.versions.join(",")} / ${[...p.bundles].join(",")}`)
      .sort(),
    link: await source.readFile("plugins/good/versions/1.1.0.json"),
    through: await source.readFile("plugins/linked/versions/1.0.0.json"),
    listed: await source.list("plugins/linked/versions"),
  };
}

test("fs and git sources: the same kinds, the same findings, nothing read through a link", async () => {
  const root = mkdtempSync(join(tmpdir(), "sources-"));
  try {
    const dir = hostileFolder(root);
    const fs = await judge(fsSource(dir));
    const git = (args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
    git(["init", "-q"]);
    git(["add", "-A"]);
    git(["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "all"]);
    const reader = gitBatch(root);
    try {
      const fromGit = await judge(gitSource(reader, git(["rev-parse", "HEAD"]), "registry"));
      // "executable" is a git mode: on disk, permission bits are the file system's, never published.
      assert.deepEqual(fromGit.found, EXPECTED);
      assert.deepEqual(fromGit.accepted, ["good: 1.0.0 / 1.0.0", "linked:  / "]);
      assert.deepEqual(
        fs.found,
        EXPECTED.filter((f) => f !== "LAYOUT_NOT_REGULAR plugins/good/versions/1.2.0.json"),
      );
      assert.deepEqual(fs.accepted, ["good: 1.0.0,1.2.0 / 1.0.0", "linked:  / "]);
      for (const result of [fs, fromGit]) {
        assert.equal(result.link, undefined, "a symlinked file reads as missing");
        assert.equal(result.through, undefined, "nothing is read through a symlinked folder");
        assert.deepEqual(result.listed, []);
      }
    } finally {
      reader.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("fs source: a FIFO is a special file, never opened (a read would hang)", async () => {
  const root = mkdtempSync(join(tmpdir(), "fifo-"));
  try {
    mkdirSync(join(root, "plugins/pp/versions"), { recursive: true });
    writeFileSync(join(root, "config.json"), "{}");
    writeFileSync(join(root, "plugins/pp/entry.json"), "{}");
    execFileSync("mkfifo", [join(root, "plugins/pp/versions/1.0.0.json")]);
    const source = fsSource(root);
    assert.equal(await source.readFile("plugins/pp/versions/1.0.0.json"), undefined);
    const layout = await checkLayout(source);
    assert.deepEqual(
      layout.findings.map((f) => `${f.code} ${f.file}`),
      ["LAYOUT_NOT_REGULAR plugins/pp/versions/1.0.0.json"],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a commit validates the same on worker threads (each with its own git process) as on one", async () => {
  const root = mkdtempSync(join(tmpdir(), "git-workers-"));
  try {
    cpSync(fileURLToPath(new URL("../fixtures/registries/broken", import.meta.url)), join(root, "registry"), {
      recursive: true,
    });
    const git = (args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
    git(["init", "-q"]);
    git(["add", "-A"]);
    git(["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "all"]);
    const load = async (workers: number, verdicts?: LoadOptions["verdicts"]) => {
      const opened = await openRegistry(join(root, "registry"));
      try {
        assert.equal(opened.source.location?.kind, "git");
        assert.equal(opened.shallow, false, "the repository is not shallow, and git says so");
        return await loadRegistry(opened.source, {
          workers,
          parallelThreshold: 1,
          ...(verdicts ? { verdicts } : {}),
        });
      } finally {
        opened.close();
      }
    };
    const one = await load(1);
    const two = await load(2);
    assert.deepEqual(two.findings, one.findings);
    assert.ok(one.findings.some((f) => f.code === "DEPENDENCY_CYCLE"));
    // With remembered verdicts, a reader thread (its own git process too) reads and hashes.
    const code = validationCode();
    const first = await load(2, { code });
    const previous = new TextEncoder().encode(first.verdictsText?.());
    const again = await load(2, { code, previous });
    assert.equal(again.stats.judged, 0);
    assert.equal(again.verdictsChanged, false);
    assert.deepEqual(again.findings, one.findings);
    assert.deepEqual(again.snapshot, one.snapshot);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a git tree finds the same entry by scanning (its first lookups) as by name (the rest)", () => {
  const entry = (mode: string, name: string, fill: number) =>
    Buffer.concat([Buffer.from(`${mode} ${name}\0`), Buffer.alloc(20, fill)]);
  const data = Buffer.concat([
    entry("40000", "a", 1),
    entry("100644", "b.json", 2),
    entry("100755", "c.json", 3),
    entry("100644", "b.json", 4),
    entry("120000", "d", 5),
  ]);
  const tree = lazyTree(data);
  const names = ["a", "b.json", "c.json", "d", "missing", "b.jso", ""];
  // Enough lookups to pass from scanning to the decoded map; every answer the same throughout.
  const answers = Array.from({ length: 4 }, () => names.map((name) => tree.find(name)));
  for (const round of answers) assert.deepEqual(round, answers[0]);
  assert.deepEqual(
    answers[0]?.map((e) => e && `${e.kind} ${e.oid.slice(0, 2)}`),
    ["tree 01", "file 02", "executable 03", "symlink 05", undefined, undefined, undefined],
  );
  assert.equal(tree.entries().length, 5);
});

test("fs source: files are read into shared memory, small ones slices of one slab that never overlap", async () => {
  const root = mkdtempSync(join(tmpdir(), "ffshared-"));
  try {
    // Sizes around the slab's slice rules: empty, odd, aligned, and larger than a slice.
    const sizes = [0, 1, 7, 8, 9, 1000, 4096, 16 << 10, (16 << 10) + 1, 70_000];
    const files = Array.from({ length: 400 }, (_, i) => {
      const size = sizes[i % sizes.length] as number;
      return { name: `f${i}.json`, bytes: Buffer.alloc(size, String.fromCharCode(65 + (i % 26))) };
    });
    for (const f of files) writeFileSync(join(root, f.name), f.bytes);
    const source = fsSource(root);
    const read = [];
    for (const f of files) read.push(await source.readFile(f.name));
    for (const [i, f] of files.entries()) {
      const bytes = read[i] as Uint8Array;
      assert.deepEqual(Buffer.from(bytes), f.bytes, f.name);
      if (f.bytes.length > 0) assert.ok(bytes.buffer instanceof SharedArrayBuffer, f.name);
    }
    // Writing into one file's bytes changes no other's: the slices are disjoint.
    for (const [i, bytes] of read.entries()) (bytes as Uint8Array).fill((i % 251) + 1);
    for (const [i, bytes] of read.entries())
      assert.ok(
        (bytes as Uint8Array).every((b) => b === (i % 251) + 1),
        `${files[i]?.name} holds only what was written into it`,
      );
    const slabs = new Set(read.filter((b) => (b as Uint8Array).length <= 16 << 10).map((b) => b?.buffer));
    assert.ok(slabs.size < files.length / 4, `small files share slabs (${slabs.size})`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
