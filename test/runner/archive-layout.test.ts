import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { archiveLayoutFindings, wrappingFolder } from "../../core/finfocus/archive-layout.ts";
import { isRunnerError } from "../../runner/errors.ts";
import { extractArtifact } from "../../runner/install/extract.ts";
import { tarGz, zip } from "./helpers/archives.ts";

const base = await mkdtemp(join(tmpdir(), "ffr-layout-"));
after(() => rm(base, { recursive: true, force: true }));
let n = 0;
async function stage(): Promise<string> {
  const root = join(base, String(n++));
  await mkdir(root, { recursive: true });
  return root;
}
const limits = { maxTotalBytes: 1 << 20, maxEntries: 100 };
const f = (path: string, kind = "file") => ({ path, kind });

test("wrappingFolder: one top-level folder holding everything, and nothing else", () => {
  assert.equal(
    wrappingFolder([f("pkg/", "directory"), f("pkg/finfocus-plugin-x"), f("pkg/doc/README")]),
    "pkg",
  );
  assert.equal(wrappingFolder([f("./pkg/finfocus-plugin-x"), f("pkg/LICENSE")]), "pkg");
  assert.equal(wrappingFolder([f("finfocus-plugin-x"), f("LICENSE")]), undefined, "files at the root");
  assert.equal(wrappingFolder([f("a/x"), f("b/y")]), undefined, "two folders");
  assert.equal(wrappingFolder([f("pkg/x"), f("README")]), undefined, "a folder and a root file");
  assert.equal(wrappingFolder([f("pkg", "symlink"), f("pkg/x")]), undefined, "a link is no folder");
  assert.equal(wrappingFolder([f("pkg/", "directory")]), undefined, "an empty folder wraps nothing");
  assert.equal(wrappingFolder([]), undefined);
  const findings = archiveLayoutFindings(
    [f("pkg/finfocus-plugin-x")],
    "x",
    "registry/plugins/x/versions/1.0.0.json",
  );
  assert.deepEqual(
    findings.map((x) => [x.code, x.severity, x.pointer]),
    [["ARCHIVE_ONE_FOLDER", "warning", "/installation/download_url"]],
  );
});

test("a .tar.gz wrapped in one folder installs with the binary at the root", async () => {
  const root = await stage();
  const bytes = tarGz([
    { path: "cost-aws-1.0.0/", type: "Directory" },
    { path: "cost-aws-1.0.0/finfocus-plugin-cost-aws", data: "#!/bin/sh\n", mode: 0o755 },
    { path: "cost-aws-1.0.0/docs/README", data: "hi" },
    { path: "cost-aws-1.0.0/copy", type: "Link", linkpath: "cost-aws-1.0.0/docs/README" },
    { path: "cost-aws-1.0.0/run", type: "SymbolicLink", linkpath: "finfocus-plugin-cost-aws" },
  ]);
  const result = await extractArtifact(bytes, "p.tar.gz", root, "finfocus-plugin-cost-aws", limits);
  assert.equal(result.unwrapped, "cost-aws-1.0.0");
  assert.deepEqual((await readdir(root)).sort(), ["copy", "docs", "finfocus-plugin-cost-aws", "run"]);
  assert.equal((await stat(join(root, "finfocus-plugin-cost-aws"))).mode & 0o777, 0o755);
  assert.equal(await readFile(join(root, "copy"), "utf8"), "hi", "hard links follow their source");
  assert.equal(await readFile(join(root, "run"), "utf8"), "#!/bin/sh\n", "relative links still resolve");
});

test("a .zip wrapped in one folder is unwrapped too; a flat one is left as it is", async () => {
  const wrapped = await stage();
  const r = await extractArtifact(
    zip([
      { path: "dist/finfocus-plugin-z", data: "bin", mode: 0o755 },
      { path: "dist/LICENSE", data: "L" },
    ]),
    "z.zip",
    wrapped,
    "finfocus-plugin-z",
    limits,
  );
  assert.equal(r.unwrapped, "dist");
  assert.deepEqual((await readdir(wrapped)).sort(), ["LICENSE", "finfocus-plugin-z"]);
  const flat = await stage();
  const r2 = await extractArtifact(
    tarGz([
      { path: "finfocus-plugin-z", data: "bin", mode: 0o755 },
      { path: "sub/x", data: "x" },
    ]),
    "z.tgz",
    flat,
    "finfocus-plugin-z",
    limits,
  );
  assert.equal(r2.unwrapped, undefined);
  assert.deepEqual((await readdir(flat)).sort(), ["finfocus-plugin-z", "sub"]);
});

test("unwrapping never turns a refused name into an accepted one", async () => {
  const root = await stage();
  await assert.rejects(
    extractArtifact(
      tarGz([
        { path: "pkg/../../escape", data: "x" },
        { path: "pkg/finfocus-plugin-x", data: "b" },
      ]),
      "x.tgz",
      root,
      "finfocus-plugin-x",
      limits,
    ),
    (e) => isRunnerError(e, "EXTRACTION_FAILED"),
  );
  assert.deepEqual(await readdir(root), []);
  await assert.rejects(
    extractArtifact(
      tarGz([
        { path: "pkg/evil", type: "SymbolicLink", linkpath: "../../outside" },
        { path: "pkg/a", data: "b" },
      ]),
      "x.tgz",
      root,
      "finfocus-plugin-x",
      limits,
    ),
    (e) => isRunnerError(e, "EXTRACTION_FAILED"),
  );
  assert.deepEqual(await readdir(root), []);
});
