/**
 * A rebuild from a later commit judges only what the commits between can reach
 * (generator/build-commit.ts) and must write exactly what a full build of that commit writes, with
 * the same findings: every kind of change is made in a real git repository, rebuilt in place, and
 * compared with `build --full` of the same commit into an empty folder. Changes the rebuild cannot
 * vouch for (config.json, a lost version, a commit that is not a descendant, a tampered cache)
 * must fall back to judging the whole registry.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { findingKey } from "../../core/findings.ts";
import { type BuildResult, buildRegistry } from "../../generator/build-fs.ts";
import { COMMIT_RECORD_FILE } from "../../generator/commit-record-fs.ts";
import { PARTS_FILE } from "../../generator/parts-cache-fs.ts";
import { copyFixture, gitAt, hashTree, listTree, tempDir } from "./helpers.ts";

// biome-ignore lint/suspicious/noExplicitAny: free edits of JSON fixtures
type Json = Record<string, any>;

/** A registry (the generator fixture) in `registry/` of a git repository, one commit per step. */
function repository() {
  const { dir, cleanup } = tempDir("ffcommit-");
  // The repository holds the registry in a folder of its own; the builds write outside it.
  const top = path.join(dir, "repo");
  const registry = copyFixture(top);
  let day = 1;
  const git = (...args: string[]) => gitAt(top, args, `2026-03-${String(day).padStart(2, "0")}T10:00:00Z`);
  git("init", "-q", "-b", "main");
  const commit = (message: string): string => {
    day++;
    git("add", "-A");
    git("commit", "-qm", message, "--allow-empty");
    return git("rev-parse", "HEAD");
  };
  commit("registry");
  const file = (rel: string) => path.join(registry, rel);
  const edit = (rel: string, change: (value: Json) => void) => {
    const value = JSON.parse(readFileSync(file(rel), "utf8")) as Json;
    change(value);
    writeFileSync(file(rel), `${JSON.stringify(value, null, 2)}\n`);
  };
  /** A new version of `name`, made from gamma-multi 1.0.0 (optionally with other dependencies). */
  const addVersion = (name: string, version: string, dependencies?: Json[]) => {
    const manifest = JSON.parse(
      readFileSync(path.join(registry, "plugins/gamma-multi/versions/1.0.0.json"), "utf8"),
    ) as Json;
    manifest.metadata.name = name;
    manifest.metadata.version = version;
    manifest.metadata.repository = `https://github.com/fixture-org/${name}`;
    manifest.installation.download_url = `https://downloads.example.test/${name}/${version}/${name}.tar.gz`;
    // gamma-multi's own dependency (alpha-cost), unless another list is given; never itself.
    manifest.requirements.dependencies = (dependencies ?? manifest.requirements.dependencies).filter(
      (d: Json) => d.name !== name,
    );
    mkdirSync(file(`plugins/${name}/versions`), { recursive: true });
    writeFileSync(file(`plugins/${name}/versions/${version}.json`), `${JSON.stringify(manifest, null, 2)}\n`);
  };
  const addPlugin = (name: string, version: string, dependencies?: Json[]) => {
    mkdirSync(file(`plugins/${name}/versions`), { recursive: true });
    writeFileSync(
      file(`plugins/${name}/entry.json`),
      `${JSON.stringify({ name, owners: [{ github_id: 7007, login: "new-dev" }], repository: `fixture-org/${name}` }, null, 2)}\n`,
    );
    addVersion(name, version, dependencies);
  };
  const out = path.join(dir, "out");
  let fresh = 0;
  const build = (options: { rev?: string; outDir?: string; full?: boolean } = {}) =>
    buildRegistry({
      registryDir: registry,
      outDir: options.outDir ?? out,
      env: {},
      ...(options.rev ? { rev: options.rev } : {}),
      ...(options.full ? { full: true } : {}),
    });
  /** `result` (a build into `out`) wrote and found exactly what a full build of its commit does. */
  const assertAsFull = async (result: BuildResult) => {
    const full = await build({
      outDir: path.join(dir, `fresh-${fresh++}`),
      full: true,
      ...(result.commit ? { rev: result.commit } : {}),
    });
    const keys = (r: BuildResult) => r.findings.map(findingKey).sort();
    assert.deepEqual(keys(result), keys(full), "the same findings as a full build");
    assert.equal(result.published, full.published);
    if (!full.published) return;
    const target = path.join(dir, `fresh-${fresh - 1}`);
    assert.deepEqual(listTree(out), listTree(target));
    assert.equal(hashTree(out), hashTree(target), "the same bytes as a full build");
  };
  return { dir, registry, out, git, commit, edit, addVersion, addPlugin, file, build, assertAsFull, cleanup };
}

/** Builds the first commit, makes `change`, commits, rebuilds; returns the rebuild's result. */
async function rebuildAfter(
  change: (r: ReturnType<typeof repository>) => void,
  expect: "incremental" | "whole",
): Promise<BuildResult> {
  const r = repository();
  try {
    const first = await r.build();
    assert.equal(first.published, true, JSON.stringify(first.findings));
    assert.equal(first.incremental, undefined, "a first build judges everything");
    change(r);
    const head = r.commit("change");
    const result = await r.build();
    assert.equal(result.commit, head);
    if (expect === "incremental") assert.ok(result.incremental, "judged only what changed");
    else assert.equal(result.incremental, undefined, "judged the whole registry");
    await r.assertAsFull(result);
    return result;
  } finally {
    r.cleanup();
  }
}

test("a commit adding a version rebuilds from what changed: the bytes and findings of a full build", async () => {
  const result = await rebuildAfter(
    (r) => r.addVersion("beta-k8s", "0.3.0", [{ name: "alpha-cost", version_constraint: "^1.0.0" }]),
    "incremental",
  );
  // beta-k8s, and alpha-cost, which it depends on; gamma-multi is taken from its parts.
  assert.equal(result.incremental?.plugins, 2);
  assert.equal(result.plugins?.reused, 1);
});

test("a new plugin, a deprecation and an edited entry rebuild from what changed", async () => {
  await rebuildAfter(
    (r) => r.addPlugin("delta-new", "0.1.0", [{ name: "gamma-multi", version_constraint: "^1.0.0" }]),
    "incremental",
  );
  await rebuildAfter(
    (r) =>
      r.edit("plugins/gamma-multi/entry.json", (e) => {
        e.deprecated = true;
        e.deprecation_message = "Use delta-new.";
        e.owners.push({ github_id: 4005, login: "gamma-two" });
      }),
    "incremental",
  );
  // A manifest edited in place (build does not judge immutability; the gate does).
  await rebuildAfter(
    (r) =>
      r.edit("plugins/gamma-multi/versions/0.9.0.json", (m) => {
        m.metadata.description = "Edited in place (a full build accepts it too).";
      }),
    "incremental",
  );
});

test("the registry-wide lists of a rebuild are patched where they changed: the bytes of a full build, a list edited by hand rendered whole", async () => {
  const r = repository();
  try {
    await r.build();
    const lists = ["api/v1/plugins/index.json", "api/v1/registry.json"].map((p) => path.join(r.out, p));
    const rebuild = async (what: string) => {
      r.commit(what);
      const result = await r.build();
      assert.ok(result.incremental, `${what}: judged only what changed`);
      assert.equal(result.published, true, `${what}: ${JSON.stringify(result.findings)}`);
      await r.assertAsFull(result);
      return result;
    };
    // A plugin listed first, then one listed last that registry.json cannot express (neither
    // depends on another: they are kept as published when others change).
    r.addPlugin("aaa-first", "0.1.0", []);
    await rebuild("first");
    r.addPlugin("zzz-last", "0.1.0", []);
    const repository = (name: string) => (e: Json) => {
      e.repository = `fixture-org/${name}`;
    };
    r.edit("plugins/zzz-last/entry.json", repository("zzz.last"));
    await rebuild("last");
    assert.doesNotMatch(readFileSync(lists[1] as string, "utf8"), /"zzz-last"/);
    // A repository it can express: now in registry.json.
    r.edit("plugins/zzz-last/entry.json", repository("zzz-last"));
    await rebuild("expressed");
    assert.match(readFileSync(lists[1] as string, "utf8"), /"zzz-last"/);
    // A version of a plugin others depend on (they are judged too), then a field both lists show.
    r.addVersion("alpha-cost", "1.2.0");
    await rebuild("a dependency's version");
    r.edit("plugins/beta-k8s/entry.json", (e) => {
      e.deprecated = true;
      e.deprecation_message = "Use aaa-first.";
    });
    await rebuild("deprecated");
    // A change registry.json does not show (an owner added): it is not rendered or written again
    // (the index is: its generation time moved with the commit).
    r.edit("plugins/beta-k8s/entry.json", (e) => {
      e.owners.push({ github_id: 4006, login: "beta-two" });
    });
    const owners = await rebuild("an owner");
    assert.ok(!owners.report?.written.includes("api/v1/registry.json"));
    assert.ok(owners.report?.written.includes("api/v1/plugins/beta-k8s/index.json"));
    // Lists edited by hand are not the bytes the state records: rendered whole, not patched (a
    // change both show, so that both are written).
    for (const file of lists) {
      const text = readFileSync(file, "utf8");
      writeFileSync(file, text.replace(/("description": ")[^"]*/, "$1Edited by hand"));
    }
    r.edit("plugins/gamma-multi/entry.json", (e) => {
      e.deprecated = true;
      e.deprecation_message = "Use aaa-first.";
    });
    await rebuild("after a hand edit");
    for (const file of lists) assert.doesNotMatch(readFileSync(file, "utf8"), /Edited by hand/);
  } finally {
    r.cleanup();
  }
});

test("a dependency gaining what a dependent asked for changes the dependent's findings, as in a full build", async () => {
  const r = repository();
  try {
    // gamma-multi 1.1.0 asks for an optional plugin that does not exist yet: a warning.
    r.addVersion("gamma-multi", "1.1.0", [
      { name: "epsilon-opt", version_constraint: "^2.0.0", optional: true },
    ]);
    r.commit("optional dependency");
    const first = await r.build();
    assert.ok(first.findings.some((f) => f.code === "DEPENDENCY_NOT_FOUND" && f.severity === "warning"));
    // Published: the warning goes, though gamma-multi's files did not change.
    r.addPlugin("epsilon-opt", "2.0.0");
    r.commit("epsilon-opt");
    const second = await r.build();
    assert.ok(second.incremental);
    assert.ok(!second.findings.some((f) => f.code === "DEPENDENCY_NOT_FOUND"));
    await r.assertAsFull(second);
  } finally {
    r.cleanup();
  }
});

test("config.json, a removed version and a yank are judged over the whole registry", async () => {
  await rebuildAfter(
    (r) =>
      r.edit("config.json", (c) => {
        c.name = "Renamed registry";
      }),
    "whole",
  );
  await rebuildAfter((r) => rmSync(r.file("plugins/alpha-cost/versions/1.1.0.json")), "whole");
  await rebuildAfter(
    (r) =>
      r.edit("plugins/alpha-cost/entry.json", (e) => {
        e.yanked = { ...(e.yanked ?? {}), "1.0.0": "broken" };
      }),
    "whole",
  );
});

test("nothing changed, a merge of an older branch, and an older commit", async () => {
  const r = repository();
  try {
    const first = await r.build();
    const same = await r.build();
    assert.equal(same.incremental?.plugins, 0);
    assert.deepEqual(same.report?.written, []);
    await r.assertAsFull(same);
    // A branch made before a later commit on main, merged after it: its version's date is the
    // branch commit's, older than main's newest.
    r.git("checkout", "-q", "-b", "side");
    r.addVersion("alpha-cost", "1.3.0");
    r.commit("side version");
    r.git("checkout", "-q", "main");
    r.addVersion("gamma-multi", "1.2.0");
    r.commit("main version");
    const main = await r.build();
    assert.ok(main.incremental);
    // The branch has commits that are not descendants of the published one: git may date its
    // files from either line, so the whole history is read and the whole registry judged.
    r.git("merge", "-q", "--no-edit", "side");
    const merged = await r.build();
    assert.equal(merged.incremental, undefined);
    await r.assertAsFull(merged);
    // A branch made from the published commit and merged back extends its history.
    r.git("checkout", "-q", "-b", "feature");
    r.addVersion("gamma-multi", "1.3.0");
    r.commit("feature version");
    r.git("checkout", "-q", "main");
    r.edit("plugins/beta-k8s/entry.json", (e) => {
      e.deprecation_message = "Superseded.";
    });
    r.commit("main entry");
    r.git("merge", "-q", "--no-edit", "feature");
    const feature = await r.build();
    assert.ok(feature.incremental, "a merge of a branch made from the published commit");
    await r.assertAsFull(feature);
    // An older commit is not a descendant of the one published: judged whole, as a full build.
    const older = await r.build({ rev: first.commit as string });
    assert.equal(older.incremental, undefined);
    await r.assertAsFull(older);
  } finally {
    r.cleanup();
  }
});

test("errors publish nothing, and the next build judges the whole registry", async () => {
  const r = repository();
  try {
    await r.build();
    r.edit("plugins/gamma-multi/versions/1.0.0.json", (m) => {
      m.specification.capabilities = 42;
    });
    r.commit("broken");
    const broken = await r.build();
    assert.equal(broken.published, false);
    assert.ok(broken.incremental, "judged from the record");
    await r.assertAsFull(broken);
    r.git("revert", "--no-edit", "HEAD");
    const fixed = await r.build();
    assert.equal(fixed.published, true);
    assert.equal(fixed.incremental, undefined, "no record survives a build that did not publish");
    await r.assertAsFull(fixed);
  } finally {
    r.cleanup();
  }
});

test("a record or parts file that was tampered with is not trusted", async () => {
  const r = repository();
  try {
    await r.build();
    // Parts that lie about a plugin the next commit does not touch, in the file's index (whose
    // hash the record names) or in the plugin's detail (whose hash the index names, read when
    // needed: here every plugin's newest versions can enter the releases feed). The same length,
    // so only the hashes tell.
    const parts = path.join(r.out, PARTS_FILE);
    const original = readFileSync(parts, "utf8");
    const tamperings = {
      index: original.replace(/("documents":")[0-9a-f]/, "$1z"),
      detail: original.replace(/("description":")Projected/, "$1Tampered!"),
    };
    let version = 2;
    for (const [where, text] of Object.entries(tamperings)) {
      assert.notEqual(text, original, where);
      assert.equal(text.length, original.length, where);
      writeFileSync(parts, text);
      r.addVersion("gamma-multi", `1.${version++}.0`, []);
      r.commit(`version (${where})`);
      const result = await r.build();
      assert.equal(result.incremental, undefined, where);
      await r.assertAsFull(result);
    }
    // A record naming a commit that is not in the repository.
    const record = JSON.parse(readFileSync(path.join(r.out, COMMIT_RECORD_FILE), "utf8")) as Json;
    writeFileSync(
      path.join(r.out, COMMIT_RECORD_FILE),
      JSON.stringify({ ...record, commit: "f".repeat(40) }),
    );
    r.addVersion("alpha-cost", "1.2.1");
    r.commit("another version");
    const again = await r.build();
    assert.equal(again.incremental, undefined);
    await r.assertAsFull(again);
  } finally {
    r.cleanup();
  }
});

test("dates a range cannot give: a cherry-picked version, a date the model fell back to, a shallow clone", async () => {
  // A version added on main and cherry-picked onto a release branch that is published; main is
  // then merged into it: git dates the file by the cherry-pick, outside the range.
  const r = repository();
  try {
    r.git("checkout", "-q", "-b", "release");
    r.git("checkout", "-q", "main");
    r.addVersion("alpha-cost", "1.2.0");
    const picked = r.commit("main: alpha-cost 1.2.0");
    r.git("checkout", "-q", "release");
    r.git("cherry-pick", picked);
    r.addVersion("beta-k8s", "0.4.0", [{ name: "alpha-cost", version_constraint: "^1.0.0" }]);
    r.commit("release: beta-k8s 0.4.0");
    await r.build();
    r.git("checkout", "-q", "main");
    r.addVersion("gamma-multi", "1.3.0");
    r.commit("main: gamma-multi 1.3.0");
    r.git("checkout", "-q", "release");
    r.git("merge", "-q", "--no-edit", "main");
    const merged = await r.build();
    assert.equal(merged.incremental, undefined);
    await r.assertAsFull(merged);
  } finally {
    r.cleanup();
  }
  // A manifest without dates, added by a merge (git lists no file for a merge): its publication
  // time is the generation time, which a later commit elsewhere moves.
  const e = repository();
  try {
    e.git("checkout", "-q", "-b", "side");
    e.commit("side");
    e.git("checkout", "-q", "main");
    e.commit("main");
    e.git("merge", "-q", "--no-commit", "side");
    e.addVersion("alpha-cost", "1.2.0");
    e.edit("plugins/alpha-cost/versions/1.2.0.json", (m) => {
      delete m.metadata.created_at;
      delete m.metadata.updated_at;
    });
    e.commit("merge adding a version");
    await e.build();
    e.addVersion("beta-k8s", "0.3.0", []);
    e.commit("elsewhere");
    const later = await e.build();
    assert.ok(later.incremental);
    await e.assertAsFull(later);
  } finally {
    e.cleanup();
  }
  // A shallow clone, built, then deepened: dates read from a history cut short are not reused.
  const o = repository();
  try {
    o.addVersion("alpha-cost", "1.2.0");
    o.commit("alpha-cost 1.2.0");
    const clone = path.join(o.dir, "clone");
    gitAt(o.dir, ["clone", "-q", "--depth", "1", `file://${path.join(o.dir, "repo")}`, clone]);
    const registry = path.join(clone, "registry");
    const out = path.join(o.dir, "clone-out");
    const { openRegistry } = await import("../../core/registry/open-registry.ts");
    const opened = await openRegistry(registry);
    assert.equal(opened.shallow, true, "a shallow clone says so");
    opened.close();
    await buildRegistry({ registryDir: registry, outDir: out, env: {} });
    gitAt(clone, ["fetch", "-q", "--unshallow"]);
    gitAt(clone, ["commit", "-q", "--allow-empty", "-m", "later"], "2026-04-01T10:00:00Z");
    const deepened = await buildRegistry({ registryDir: registry, outDir: out, env: {} });
    assert.equal(deepened.incremental, undefined);
    const fresh = path.join(o.dir, "clone-fresh");
    await buildRegistry({ registryDir: registry, outDir: fresh, env: {}, full: true });
    assert.equal(hashTree(out), hashTree(fresh));
  } finally {
    o.cleanup();
  }
});
