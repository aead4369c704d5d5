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
import { binaryCandidates, cliAssetCandidates } from "../../core/finfocus/cli-layout.ts";
import { tarGzBytes } from "../../scripts/demo/archive-writers.ts";
import {
  artifactFileName,
  artifactFileNames,
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
  const named = versions.flatMap((v) => artifactFileNames(v.manifest));
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
      // The binary the FinFocus CLI would launch: finfocus-plugin-<name>, else <name>.
      const binary = binaryCandidates(v.manifest.metadata.name).find((f) => files.includes(f));
      assert.ok(binary, `${name}: no binary the FinFocus CLI would find in ${files}`);
      const exe = join(into, binary);
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

test("real plugin releases: one asset per linux platform, named as the FinFocus installer looks for them", () => {
  const releases = versions.filter((v) => artifactFileNames(v.manifest).length > 1);
  assert.ok(releases.length > 0, "the demo registry has a real plugin release");
  for (const v of releases) {
    const { name, version } = v.manifest.metadata;
    const [amd64, arm64] = artifactFileNames(v.manifest);
    assert.equal(amd64, artifactFileName(v.manifest), "the manifest names the amd64 asset");
    assert.ok(cliAssetCandidates(name, `v${version}`, "linux", "amd64").includes(amd64!), amd64);
    assert.ok(cliAssetCandidates(name, `v${version}`, "linux", "arm64").includes(arm64!), arm64);
    assert.ok(
      readFileSync(join(artifacts, amd64!)).equals(readFileSync(join(artifacts, arm64!))),
      "same bytes",
    );
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
