import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import * as tar from "tar";
import yauzl from "yauzl";
import { tarGzBytes } from "../../scripts/demo/archive-writers.ts";
import {
  artifactFileName,
  buildArtifact,
  loadDemoRegistry,
  sha256,
} from "../../scripts/demo/demo-registry.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const artifacts = join(repo, "demo", "artifacts");
const reg = loadDemoRegistry(join(repo, "registry"));
const versions = reg.plugins.flatMap((p) => p.versions);

test("build-demo-registry --check: committed archives, checksums, signatures and bundles match a fresh build", () => {
  const r = spawnSync(process.execPath, [join(repo, "scripts", "build-demo-registry.ts"), "--check"], {
    encoding: "utf8",
  });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /checked \d+ archives .*: ok/);
});

test("every downloadable version's checksum is the sha256 of its committed archive", () => {
  let checked = 0;
  for (const v of versions) {
    const name = artifactFileName(v.manifest);
    if (!name) continue;
    assert.equal(v.manifest.installation.checksum_algorithm, "sha256", v.file);
    assert.equal(v.manifest.installation.checksum, sha256(readFileSync(join(artifacts, name))), v.file);
    checked++;
  }
  assert.ok(checked >= 20, `only ${checked} archives`);
});

test("demo/artifacts holds exactly the archives the manifests name", () => {
  const named = versions.map((v) => artifactFileName(v.manifest)).filter((n) => n !== undefined);
  assert.deepEqual(readdirSync(artifacts).sort(), [...named].sort());
});

test("archives are byte-identical on rebuild and carry no time, owner or host of the build", () => {
  for (const v of versions) {
    const a = buildArtifact(v.manifest);
    const b = buildArtifact(v.manifest);
    if (!a || !b) continue;
    assert.ok(a.bytes.equals(b.bytes), v.file);
    if (a.fileName.endsWith(".tar.gz")) {
      // gzip header: no file name, mtime 0, OS byte 3 (Unix)
      assert.deepEqual([...a.bytes.subarray(0, 10)], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
    }
  }
});

test("a .tar.gz is a standard archive: gunzip, tar headers with fixed mtime, root/root, sorted entries", async () => {
  const bytes = tarGzBytes([
    { name: "z-last", mode: 0o644, data: Buffer.from("z") },
    { name: "a-first", mode: 0o755, data: Buffer.from("#!/bin/sh\n") },
  ]);
  const raw = gunzipSync(bytes);
  const entries: { path: string; mode: number; uid: number; uname: string; mtime: number }[] = [];
  const parser = new tar.Parser({
    onReadEntry: (e) => {
      entries.push({
        path: e.path,
        mode: e.mode ?? -1,
        uid: e.uid ?? -1,
        uname: e.uname ?? "",
        mtime: e.mtime?.getTime() ?? -1,
      });
      e.resume();
    },
  });
  await new Promise<void>((resolve, reject) => {
    parser.on("end", resolve);
    parser.on("error", reject);
    parser.end(raw);
  });
  assert.deepEqual(
    entries.map((e) => e.path),
    ["a-first", "z-last"],
  );
  for (const e of entries) {
    assert.equal(e.uid, 0);
    assert.equal(e.uname, "root");
    assert.equal(e.mtime, Date.UTC(2024, 0, 1));
  }
  assert.equal(entries[0]?.mode, 0o755);
});

test("each archive unpacks to an executable named like the plugin that answers --version and --help", async () => {
  const dir = mkdtempSync(join(tmpdir(), "finfocus-demo-unpack-"));
  try {
    for (const v of versions) {
      const name = artifactFileName(v.manifest);
      if (!name?.endsWith(".tar.gz")) continue;
      const into = join(dir, v.manifest.metadata.name, v.version);
      spawnSync("mkdir", ["-p", into]);
      await tar.x({ file: join(artifacts, name), cwd: into });
      const files = readdirSync(into).sort();
      assert.ok(files.includes("README.md") && files.includes("LICENSE"), `${name}: ${files}`);
      const exe = join(into, v.manifest.metadata.name);
      assert.equal(statSync(exe).mode & 0o777, 0o755, name);
      const version = spawnSync(exe, ["--version"], { encoding: "utf8" });
      assert.equal(version.status, 0, name);
      assert.equal(version.stdout.trim(), `${v.manifest.metadata.name} ${v.version}`);
      const help = spawnSync(exe, ["--help"], { encoding: "utf8" });
      assert.match(help.stdout, /^Usage: /);
      assert.ok(help.stdout.includes(v.manifest.metadata.description), name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the .zip archives read back with yauzl: sorted entries, Unix modes, an executable that runs", async () => {
  const zips = versions.filter((v) => artifactFileName(v.manifest)?.endsWith(".zip"));
  assert.ok(zips.length > 0);
  const dir = mkdtempSync(join(tmpdir(), "finfocus-demo-zip-"));
  try {
    for (const v of zips) {
      const name = v.manifest.metadata.name;
      const zip = await yauzl.fromBufferPromise(
        readFileSync(join(artifacts, artifactFileName(v.manifest)!)),
        {
          lazyEntries: true,
        },
      );
      const entries: { fileName: string; mode: number; data: Buffer }[] = [];
      for await (const entry of zip.eachEntry()) {
        const stream = await zip.openReadStreamPromise(entry);
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        entries.push({
          fileName: entry.fileName,
          mode: entry.externalFileAttributes >>> 16,
          data: Buffer.concat(chunks),
        });
      }
      zip.close();
      assert.deepEqual(
        entries.map((e) => e.fileName),
        ["LICENSE", "README.md", name],
      );
      const exe = entries.find((e) => e.fileName === name)!;
      assert.equal(exe.mode, 0o100755);
      writeFileSync(join(dir, name), exe.data, { mode: 0o755 });
      const r = spawnSync(join(dir, name), ["--version"], { encoding: "utf8" });
      assert.equal(r.stdout.trim(), `${name} ${v.version}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
