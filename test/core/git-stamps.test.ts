/**
 * A commit's stamps are its object ids (registry-git.ts, file-stamps.ts): a load of a later
 * commit, with what the last load remembered, reads only the blobs that changed, and a stamp
 * never hides a change: an edited manifest, a new version, a mode that makes a file executable.
 * An id is a hash of the content, so no margin applies: a commit made a moment ago is stamped.
 * "Not read" is proven the hard way: every object of the plugins the later commit did not touch
 * (trees, entries, manifests) is deleted from the object database before the second load.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { pluginName, writeSyntheticRegistry } from "../../bench/synthetic-registry.ts";
import { type LoadedRegistry, loadRegistry } from "../../core/registry/load-registry.ts";
import { openRegistry } from "../../core/registry/open-registry.ts";
import { validationCode } from "../../generator/verdict-store-fs.ts";

const root = mkdtempSync(join(tmpdir(), "git-stamps-"));
after(() => rmSync(root, { recursive: true, force: true }));
const registry = join(root, "registry");
const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
const commit = (message: string) => {
  git("add", "-A");
  git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", message);
  return git("rev-parse", "HEAD");
};
const manifest = (i: number, version: string) =>
  join(registry, "plugins", pluginName(i), "versions", `${version}.json`);
const encode = (text: string | undefined) => new TextEncoder().encode(text);

/** A load of `rev` as a build's (a reader thread, worker threads), with what `previous` remembered. */
async function load(rev: string, previous?: LoadedRegistry): Promise<LoadedRegistry> {
  const opened = await openRegistry(registry, { rev });
  try {
    assert.equal(opened.source.location?.kind, "git");
    return await loadRegistry(opened.source, {
      workers: 2,
      parallelThreshold: 1,
      keepManifests: "judged",
      verdicts: {
        code: validationCode(),
        ...(previous ? { previous: encode(previous.verdictsText?.()) } : {}),
        summaries: { previous: previous?.summaries ? encode(previous.summaries.text()) : undefined },
      },
      stamps: { previous: previous?.stamps ? encode(previous.stamps.text()) : undefined },
    });
  } finally {
    opened.close();
  }
}

/** What a load found: its findings and every valid version (parsed again or not), with its sha256. */
const verdict = (loaded: LoadedRegistry) => ({
  findings: loaded.findings,
  valid: loaded.snapshot?.plugins.map((p) => [
    p.name,
    [
      ...p.versions.map((v) => `${v.version} ${v.sha256}`),
      ...(p.unparsed ?? []).map((v) => `${v.version} ${v.sha256}`),
    ].sort(),
  ]),
});

test("a later commit's load reads only the blobs that changed, and sees every change", async () => {
  mkdirSync(registry);
  writeSyntheticRegistry(registry, { plugins: 30, versions: 2 });
  git("init", "-q");
  const first = commit("thirty plugins");
  const taken = await load(first);
  assert.equal(taken.stats.judged, 60);
  const stamps = taken.stamps?.text() ?? "";
  // Taken at once (no margin), one per manifest, each the blob's id.
  const blob = git("rev-parse", `${first}:registry/plugins/${pluginName(3)}/versions/1.0.0.json`);
  assert.ok(
    stamps.includes(`plugins/${pluginName(3)}/versions/1.0.0.json\tgit:file:${blob}\t`),
    stamps.slice(0, 400),
  );

  // The next commit: one manifest edited in place, one version added, one manifest made executable.
  const edited = manifest(7, "1.0.0");
  writeFileSync(edited, readFileSync(edited, "utf8").replace('"description": "', '"description": "Edited. '));
  const added = JSON.parse(readFileSync(manifest(9, "1.0.1"), "utf8")) as { metadata: { version: string } };
  added.metadata.version = "1.0.2";
  writeFileSync(manifest(9, "1.0.2"), `${JSON.stringify(added, null, 2)}\n`);
  chmodSync(manifest(11, "1.0.1"), 0o755);
  const second = commit("three changes");
  const fresh = await load(second);

  // Every object of every plugin the second commit did not touch (its trees, its entry, its
  // manifests) leaves the object database: an unchanged tree vouches for all below it.
  const touched = [7, 9, 11].map((i) => pluginName(i));
  const objectOf = (path: string) => git("rev-parse", `${second}:${path}`);
  const untouched = git("ls-tree", "--name-only", second, "registry/plugins/")
    .split("\n")
    .filter((path) => !touched.some((name) => path.endsWith(`/${name}`)));
  assert.equal(untouched.length, 27);
  const remove = (oid: string) => unlinkSync(join(root, ".git", "objects", oid.slice(0, 2), oid.slice(2)));
  const below = untouched.flatMap((plugin) =>
    git("ls-tree", "-r", "-t", "--name-only", second, `${plugin}/`)
      .split("\n")
      .filter((path) => path.startsWith(`${plugin}/`)),
  );
  assert.equal(below.length, 27 * 4);
  for (const oid of [...untouched, ...below].map(objectOf)) remove(oid);

  const again = await load(second, taken);
  // The edited and the added manifest are judged; the one made executable is refused by the layout.
  assert.equal(again.stats.judged, 2);
  assert.ok(
    again.findings.some(
      (f) => f.code === "LAYOUT_NOT_REGULAR" && f.file === `plugins/${pluginName(11)}/versions/1.0.1.json`,
    ),
  );
  assert.ok(
    again.snapshot?.plugins.some(
      (p) => p.name === pluginName(9) && p.versions.some((v) => v.version === "1.0.2"),
    ),
  );

  assert.deepEqual(verdict(again), verdict(fresh));

  // A blob the load needs and cannot read (the repository is damaged) is an error on its file,
  // never a version silently left out: 1.0.1 of the plugin whose 1.0.0 was edited is judged with it.
  remove(objectOf(`registry/plugins/${pluginName(7)}/versions/1.0.1.json`));
  const damaged = await load(second, taken);
  assert.deepEqual(
    damaged.findings.filter((f) => f.code === "FILE_UNREADABLE").map((f) => f.file),
    [`plugins/${pluginName(7)}/versions/1.0.1.json`],
  );
});
