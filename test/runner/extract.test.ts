import assert from "node:assert/strict";
import { lstat, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { gzipSync } from "node:zlib";
import { isRunnerError } from "../../runner/errors.ts";
import { extractArtifact } from "../../runner/install/extract.ts";
import { tarGz, zip } from "./helpers/archives.ts";

const base = await mkdtemp(join(tmpdir(), "ffr-extract-"));
after(() => rm(base, { recursive: true, force: true }));
let n = 0;
async function fresh(): Promise<{ root: string; outside: string }> {
  const dir = join(base, String(n++));
  const root = join(dir, "a", "b", "stage");
  await import("node:fs/promises").then((fs) => fs.mkdir(root, { recursive: true }));
  const outside = join(dir, "a", "victim.txt");
  await writeFile(outside, "original");
  return { root, outside };
}
const limits = { maxTotalBytes: 1 << 20, maxEntries: 100 };

async function refused(bytes: Uint8Array, name = "x.tar.gz") {
  const { root, outside } = await fresh();
  await assert.rejects(extractArtifact(bytes, name, root, "bin", limits), (e) =>
    isRunnerError(e, "EXTRACTION_FAILED"),
  );
  assert.equal(
    await readFile(outside, "utf8"),
    "original",
    "the file outside the staging folder is unchanged",
  );
  assert.deepEqual(await readdir(dirname(outside)).then((l) => l.sort()), ["b", "victim.txt"]);
  return root;
}

test("a well-formed .tar.gz extracts with capped modes", async () => {
  const { root } = await fresh();
  const bytes = tarGz([
    { path: "./bin/", type: "Directory" },
    { path: "./bin/plugin", data: "#!/bin/sh\n", mode: 0o4777 },
    { path: "README", data: "hi", mode: 0o666 },
    { path: "link", type: "SymbolicLink", linkpath: "bin/plugin" },
    { path: "copy", type: "Link", linkpath: "README" },
  ]);
  const result = await extractArtifact(bytes, "p.tgz", root, "bin", limits);
  assert.equal(result.format, "tar.gz");
  assert.equal(
    (await stat(join(root, "bin/plugin"))).mode & 0o7777,
    0o755,
    "I5: setuid and world-writable dropped",
  );
  assert.equal((await stat(join(root, "README"))).mode & 0o7777, 0o644);
  assert.equal(await readlink(join(root, "link")), "bin/plugin");
  assert.equal(await readFile(join(root, "copy"), "utf8"), "hi");
  assert.ok((await lstat(join(root, "copy"))).isFile());
});

test("I1: ../, absolute paths and backslashes are refused (tar)", async () => {
  await refused(tarGz([{ path: "../victim.txt", data: "pwned" }]));
  await refused(tarGz([{ path: "ok/../../../victim.txt", data: "pwned" }]));
  await refused(tarGz([{ path: "/tmp/evil", data: "pwned" }]));
  await refused(tarGz([{ path: "..\\..\\victim.txt", data: "pwned" }]));
});

test("I1: zip-slip names are refused (zip)", async () => {
  await refused(zip([{ path: "../../victim.txt", data: "pwned" }]), "x.zip");
  await refused(zip([{ path: "/etc/evil", data: "pwned" }]), "x.zip");
});

test("I2: symlinks out of the folder, through links, and hard links out are refused", async () => {
  await refused(tarGz([{ path: "l", type: "SymbolicLink", linkpath: "../../victim.txt" }]));
  await refused(tarGz([{ path: "l", type: "SymbolicLink", linkpath: "/etc/passwd" }]));
  // The classic: a link to a folder outside, then a file written through it.
  await refused(
    tarGz([
      { path: "d", type: "SymbolicLink", linkpath: "." },
      { path: "d/x", data: "through the link" },
    ]),
  );
  // Chained links: each lexically inside, together outside.
  await refused(
    tarGz([
      { path: "a", type: "SymbolicLink", linkpath: "x/y/d/.." },
      { path: "x/y/d", type: "SymbolicLink", linkpath: "../.." },
    ]),
  );
  await refused(tarGz([{ path: "h", type: "Link", linkpath: "../victim.txt" }]));
  await refused(zip([{ path: "l", data: "../../victim.txt", mode: 0o120777 }]), "x.zip");
});

test("devices and FIFOs are refused", async () => {
  await refused(tarGz([{ path: "null", type: "CharacterDevice" }]));
  await refused(tarGz([{ path: "fifo", type: "FIFO" }]));
});

test("I4: a decompression bomb is aborted by size and by entry count", async () => {
  const big = new Uint8Array(4 << 20); // 4 MiB of zeros compresses to a few KB
  const bytes = tarGz([{ path: "zeros", data: big }]);
  assert.ok(bytes.byteLength < 64 * 1024);
  const root = await refused(bytes);
  const many = tarGz(Array.from({ length: 150 }, (_, i) => ({ path: `f${i}`, data: "x" })));
  await refused(many);
  assert.ok((await readdir(root)).length === 0, "nothing was written before the refusal");
});

test("a duplicate entry is refused rather than overwriting", async () => {
  await refused(
    tarGz([
      { path: "a", data: "1" },
      { path: "a", data: "2" },
    ]),
  );
});

test("a plain binary is written executable under the given name", async () => {
  const { root } = await fresh();
  const r = await extractArtifact(
    Buffer.from("\x7fELF..."),
    "https://x/plugin-linux-amd64",
    root,
    "finfocus-plugin-x",
    limits,
  );
  assert.equal(r.format, "binary");
  assert.equal((await stat(join(root, "finfocus-plugin-x"))).mode & 0o777, 0o755);
});

test("a file named like an archive that is not one is refused; gzip that is not tar is refused", async () => {
  await refused(Buffer.from("not an archive"), "plugin.tar.gz");
  await refused(gzipSync(Buffer.from("just text, not a tar")), "plugin.tar.gz");
});

test("zip: files and modes", async () => {
  const { root } = await fresh();
  await extractArtifact(
    zip([{ path: "bin/p", data: "x", mode: 0o104777 }, { path: "doc/" }]),
    "p.zip",
    root,
    "b",
    limits,
  );
  assert.equal((await stat(join(root, "bin/p"))).mode & 0o7777, 0o755);
});
