/**
 * Archive amplification (issue: resource exhaustion): whatever the archive, the bytes written are
 * bounded by the cap before the first write, hard links cost no copies, the caps hold for zip as
 * for tar, and a refusal leaves the staging folder empty.
 */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { isRunnerError } from "../../runner/errors.ts";
import { extractArtifact } from "../../runner/install/extract.ts";
import { tarGz, zip } from "../runner/helpers/archives.ts";

const base = await mkdtemp(join(tmpdir(), "ffr-archive-bounds-"));
after(() => rm(base, { recursive: true, force: true }));
let n = 0;
async function fresh(): Promise<string> {
  const root = join(base, String(n++));
  await mkdir(root, { recursive: true });
  return root;
}
const MiB = 1024 * 1024;

async function refusedLeavingNothing(
  bytes: Uint8Array,
  name: string,
  limits: { maxTotalBytes: number; maxEntries: number },
) {
  const root = await fresh();
  await assert.rejects(extractArtifact(bytes, name, root, "bin", limits), (e) =>
    isRunnerError(e, "EXTRACTION_FAILED"),
  );
  assert.deepEqual(await readdir(root), [], "nothing is left behind");
}

test("hard links stay links: 200 links to a 1 MiB file write 1 MiB, not 201", async () => {
  const root = await fresh();
  const bytes = tarGz([
    { path: "big", data: new Uint8Array(MiB) },
    ...Array.from({ length: 200 }, (_, i) => ({ path: `link-${i}`, type: "Link" as const, linkpath: "big" })),
  ]);
  assert.ok(bytes.byteLength < 8 * 1024, `${bytes.byteLength} bytes of archive`);
  await extractArtifact(bytes, "p.tar.gz", root, "bin", { maxTotalBytes: 2 * MiB, maxEntries: 1000 });
  const source = await stat(join(root, "big"));
  const link = await stat(join(root, "link-199"));
  assert.equal(link.ino, source.ino, "the same inode: no copy was written");
  assert.equal(source.nlink, 201);
  assert.equal(link.size, MiB);
});

test("the size cap counts every byte written, link targets and names included, before writing", async () => {
  const limits = { maxTotalBytes: MiB, maxEntries: 100 };
  await refusedLeavingNothing(
    tarGz([
      { path: "a", data: new Uint8Array(MiB / 2) },
      { path: "b", data: new Uint8Array(MiB / 2) },
      { path: "c", type: "SymbolicLink", linkpath: "a" },
    ]),
    "p.tar.gz",
    limits,
  );
});

test("headers that never become entries cannot inflate a small download without end", async () => {
  // 20,000 global PAX headers: no entry, no content, 20 MB of tar from a few hundred KB of gzip.
  const headers = Array.from({ length: 20_000 }, () => ({
    path: "pax",
    type: "GlobalExtendedHeader" as const,
    data: "22 comment=aaaaaaaaaa\n",
  }));
  await refusedLeavingNothing(tarGz([...headers, { path: "x", data: "x" }]), "p.tar.gz", {
    maxTotalBytes: MiB,
    maxEntries: 10,
  });
});

test("zip: the entry cap holds before any entry is read, and overlapping entries count each time", async () => {
  const many = zip(Array.from({ length: 101 }, (_, i) => ({ path: `f${i}`, data: "x" })));
  await refusedLeavingNothing(many, "p.zip", { maxTotalBytes: MiB, maxEntries: 100 });
  // One 256 KiB body listed 10 times in the central directory: 2.5 MiB from a few KB.
  const overlapping = zip([{ path: "body", data: new Uint8Array(256 * 1024) }], 10);
  assert.ok(overlapping.byteLength < 4096);
  await refusedLeavingNothing(overlapping, "p.zip", { maxTotalBytes: MiB, maxEntries: 100 });
});

test("a name that is both a file and a folder is refused before anything is written", async () => {
  await refusedLeavingNothing(
    tarGz([
      { path: "a", data: "file" },
      { path: "a/b", data: "inside a file" },
    ]),
    "p.tar.gz",
    { maxTotalBytes: MiB, maxEntries: 100 },
  );
});

test("a write that fails half-way (a name the file system refuses) leaves the folder empty", async () => {
  await refusedLeavingNothing(
    tarGz([
      { path: "first", data: "written before the failure" },
      // A GNU long-name header: the next entry is named with 300 characters (ENAMETOOLONG).
      { path: "././@LongLink", type: "NextFileHasLongPath", data: `${"n".repeat(300)}\0` },
      { path: "short", data: "refused by the file system" },
    ]),
    "p.tar.gz",
    { maxTotalBytes: MiB, maxEntries: 100 },
  );
  const root = await fresh();
  await extractArtifact(tarGz([{ path: "ok", data: "fine" }]), "p.tar.gz", root, "bin", {
    maxTotalBytes: MiB,
    maxEntries: 100,
  });
  assert.equal(await readFile(join(root, "ok"), "utf8"), "fine");
});
