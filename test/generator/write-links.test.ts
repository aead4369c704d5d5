/**
 * The writer never writes, renames or deletes through a symbolic link below the output folder
 * (generator/write-guard.ts): links planted at several depths, with and without a state, on one
 * thread and on two. Each test keeps a folder outside the output (`victim/`) and asserts that
 * nothing beside the output folder was created, changed or deleted.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { RegistryError } from "../../core/errors.ts";
import { buildRegistry } from "../../generator/build-fs.ts";
import type { Output, OutputGroup } from "../../generator/output.types.ts";
import { PARTS_FILE } from "../../generator/parts-cache-fs.ts";
import { initTufKeys } from "../../generator/tuf-admin-fs.ts";
import { readTufKeys } from "../../generator/tuf-keys-fs.ts";
import { VERDICTS_FILE } from "../../generator/verdict-store-fs.ts";
import { STATE_FILE, writeTree } from "../../generator/write-fs.ts";
import { build, copyFixture, EPOCH, snapshot, tempDir } from "./helpers.ts";

/**
 * A temp folder holding `out/` and, outside it, `victim/` with files named like outputs; `body`
 * runs, then everything but `out/` must be as it was.
 */
async function withVictim(body: (dirs: { dir: string; out: string; victim: string }) => Promise<void>) {
  const { dir, cleanup } = tempDir("fflinks-");
  try {
    const out = path.join(dir, "out");
    const victim = path.join(dir, "victim");
    mkdirSync(path.join(victim, "v1.0.0"), { recursive: true });
    for (const name of ["index.json", "releases.xml", "a.json", "v1.0.0/manifest.json", "keep.txt"])
      writeFileSync(path.join(victim, name), `precious ${name}\n`);
    const before = snapshot(dir, "out");
    await body({ dir, out, victim });
    assert.deepEqual(snapshot(dir, "out"), before, "nothing outside the output folder changed");
  } finally {
    cleanup();
  }
}

/** A plugin's group of outputs, with its key. */
function plugin(name: string, key: string, version = "1.0.0"): OutputGroup {
  const base = `api/v1/plugins/${name}`;
  return {
    group: name,
    key,
    outputs: () => [
      { path: `${base}/index.json`, bytes: `{"name":"${name}","key":"${key}"}\n` },
      { path: `${base}/v${version}/manifest.json`, bytes: `{"version":"${version}","key":"${key}"}\n` },
    ],
  };
}

function outputs(key: string, ...plugins: string[]): (Output | OutputGroup)[] {
  return [
    { path: "api/v1/index.json", bytes: `{"plugins":${JSON.stringify(plugins)},"key":"${key}"}\n` },
    { path: "feeds/releases.xml", bytes: `<feed key="${key}"/>\n` },
    ...plugins.map((name) => plugin(name, key)),
  ];
}

/** Asserts that `promise` is refused as UNSAFE_OUTPUT_PATH naming `file` and a symbolic link. */
async function refused(promise: Promise<unknown>, file: string, found = "a symbolic link"): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof RegistryError, String(error));
    assert.equal(error.code, "UNSAFE_OUTPUT_PATH");
    assert.equal(error.details.file, file);
    assert.equal(error.details.found, found);
    assert.match(error.message, /remove/);
    return true;
  });
}

/** Replaces `at` (a file or folder under the output) by a symbolic link to `target`. */
function plant(at: string, target: string): void {
  rmSync(at, { recursive: true, force: true });
  mkdirSync(path.dirname(at), { recursive: true });
  symlinkSync(target, at);
}

test("a link at api/v1 in a fresh output folder is refused before anything is written", async () => {
  await withVictim(async ({ out, victim }) => {
    plant(path.join(out, "api/v1"), victim);
    await refused(writeTree(out, outputs("k1", "alpha")), path.join(out, "api/v1"));
    // Nothing written: not even the feed, whose folder is sound.
    assert.deepEqual(readdirSync(out).sort(), ["api"]);
  });
});

test("a link at feeds/ is refused, with or without a state; the victim's files are neither listed as stale nor deleted", async () => {
  await withVictim(async ({ out, victim }) => {
    plant(path.join(out, "feeds"), victim);
    // Without state the walk of feeds/ would have listed victim/keep.txt as stale.
    await refused(writeTree(out, outputs("k1", "alpha")), path.join(out, "feeds"));
    rmSync(path.join(out, "feeds"));
    await writeTree(out, outputs("k1", "alpha"));
    plant(path.join(out, "feeds"), victim);
    await refused(writeTree(out, outputs("k2", "alpha")), path.join(out, "feeds"));
  });
});

test("a link at a plugin's folder is refused when the plugin is written again (the state trusted)", async () => {
  await withVictim(async ({ out, victim }) => {
    await writeTree(out, outputs("k1", "alpha", "beta"));
    plant(path.join(out, "api/v1/plugins/alpha"), victim);
    await refused(writeTree(out, outputs("k2", "alpha", "beta")), path.join(out, "api/v1/plugins/alpha"));
    // The refused build left no state: the next one without --full walks the disk and refuses too.
    await refused(writeTree(out, outputs("k2", "alpha", "beta")), path.join(out, "api/v1/plugins/alpha"));
    await refused(
      writeTree(out, outputs("k2", "alpha", "beta"), { ignoreState: true }),
      path.join(out, "api/v1/plugins/alpha"),
    );
  });
});

test("a link as a single output file is refused, never written through; a hard link is replaced, its other name untouched", async () => {
  await withVictim(async ({ out, victim }) => {
    await writeTree(out, outputs("k1", "alpha"));
    const file = path.join(out, "api/v1/plugins/alpha/v1.0.0/manifest.json");
    plant(file, path.join(victim, "v1.0.0/manifest.json"));
    await refused(writeTree(out, outputs("k2", "alpha")), file);
    // A dangling link is refused too (the write would create its target).
    plant(file, path.join(victim, "created-through-the-link.json"));
    await refused(writeTree(out, outputs("k2", "alpha")), file);
    rmSync(file);

    await writeTree(out, outputs("k2", "alpha"), { ignoreState: true });
    const index = path.join(out, "api/v1/index.json");
    rmSync(index);
    linkSync(path.join(victim, "index.json"), index);
    await writeTree(out, outputs("k3", "alpha"));
    assert.match(readFileSync(index, "utf8"), /"key":"k3"/);
    assert.equal(lstatSync(index).nlink, 1);
  });
});

test("a folder or a special file where an output file goes is refused (a pipe never waited on)", async () => {
  await withVictim(async ({ out }) => {
    await writeTree(out, outputs("k1", "alpha"));
    const file = path.join(out, "feeds/releases.xml");
    rmSync(file);
    mkdirSync(file);
    await refused(writeTree(out, outputs("k2", "alpha")), file, "a folder");
    rmSync(file, { recursive: true });
    if (spawnSync("mkfifo", [file]).status !== 0) return; // no mkfifo here: the folder stands for it
    // Without state (the refused build removed it) the walk of feeds/ refuses it before any write.
    await refused(writeTree(out, outputs("k2", "alpha")), file, "a special file");
    // With state the write meets it, and never opens it (opening a pipe would wait for a reader).
    rmSync(file);
    await writeTree(out, outputs("k2", "alpha"));
    rmSync(file);
    spawnSync("mkfifo", [file]);
    await refused(writeTree(out, outputs("k3", "alpha")), file, "a special file");
  });
});

test("an output's previous bytes (a list a rebuild patches) are never read through a link or from a pipe", async () => {
  await withVictim(async ({ out, victim }) => {
    const given: string[] = [];
    const list = (key: string): Output => ({
      path: "api/v1/plugins/index.json",
      key,
      bytes: async () => (key === "k1" ? "precious index.json\n" : `${key}\n`),
      update: async (previous) => {
        given.push(Buffer.from(previous).toString());
        return undefined;
      },
    });
    // The state records the bytes the victim's file holds too.
    await writeTree(out, [list("k1")]);
    const file = path.join(out, "api/v1/plugins/index.json");
    plant(file, path.join(victim, "index.json"));
    await refused(writeTree(out, [list("k2")]), file);
    assert.deepEqual(given, [], "not read through the link");
    rmSync(file);
    await writeTree(out, [list("k3")], { ignoreState: true });
    rmSync(file);
    if (spawnSync("mkfifo", [file]).status !== 0) return;
    await refused(writeTree(out, [list("k4")]), file, "a special file");
    assert.deepEqual(given, [], "a pipe never opened to wait on");
  });
});

test("stale files are never deleted through a link: a linked folder is refused, a linked file loses only the link", async () => {
  await withVictim(async ({ out, victim }) => {
    await writeTree(out, outputs("k1", "alpha", "gone"));
    plant(path.join(out, "api/v1/plugins/gone"), victim);
    // alpha is unchanged (its line kept); gone is stale, its folder now a link to the victim.
    await refused(writeTree(out, outputs("k1", "alpha")), path.join(out, "api/v1/plugins/gone"));
    rmSync(path.join(out, "api/v1/plugins/gone"));

    await writeTree(out, outputs("k1", "alpha", "gone"), { ignoreState: true });
    const stale = path.join(out, "api/v1/plugins/gone/index.json");
    plant(stale, path.join(victim, "index.json"));
    const report = await writeTree(out, outputs("k1", "alpha"));
    assert.ok(report.deleted.includes("api/v1/plugins/gone/index.json"));
    assert.throws(() => lstatSync(path.join(out, "api/v1/plugins/gone")), { code: "ENOENT" });
  });
});

test("the state is never read, written or renamed through a link", async () => {
  await withVictim(async ({ out, victim }) => {
    await writeTree(out, outputs("k1", "alpha"));
    const tmp = path.join(out, `${STATE_FILE}.tmp`);
    symlinkSync(path.join(victim, "keep.txt"), tmp);
    await refused(writeTree(out, outputs("k2", "alpha")), tmp);
    rmSync(tmp);
    // A state that is a link reads as no state and is removed (the link, not what it points to).
    plant(path.join(out, STATE_FILE), path.join(victim, "a.json"));
    const report = await writeTree(out, outputs("k2", "alpha"));
    assert.equal(report.unchanged, 4, "every file compared on disk");
    assert.ok(lstatSync(path.join(out, STATE_FILE)).isFile());
  });
});

test("a link met during a large write (two threads) is refused as a RegistryError, whichever thread meets it", async () => {
  await withVictim(async ({ out, victim }) => {
    const many = (key: string): Output[] =>
      Array.from({ length: 1500 }, (_, i) => ({
        path: `api/v1/plugins/p${i}/v1.0.0/manifest.json`,
        bytes: `{"i":${i},"key":"${key}"}\n`,
      }));
    await writeTree(out, many("k1"));
    // Folders late in the order: written when the thread has been started.
    for (const i of [700, 1100, 1499]) plant(path.join(out, `api/v1/plugins/p${i}/v1.0.0`), victim);
    await assert.rejects(writeTree(out, many("k2")), (error: unknown) => {
      assert.ok(error instanceof RegistryError, String(error));
      assert.equal(error.code, "UNSAFE_OUTPUT_PATH");
      assert.match(String(error.details.file), /p(700|1100|1499)\/v1\.0\.0$/);
      return true;
    });
  });
});

test("an output folder that is itself a link (the user's choice) is written, rebuilt and pruned as usual", async () => {
  await withVictim(async ({ dir }) => {
    const real = path.join(dir, "out/real");
    mkdirSync(real, { recursive: true });
    const out = path.join(dir, "out/link");
    symlinkSync(real, out);
    const first = await writeTree(out, outputs("k1", "alpha", "beta"));
    assert.equal(first.written.length, 6);
    const second = await writeTree(out, outputs("k1", "alpha", "beta"));
    assert.deepEqual([second.written.length, second.unchanged, second.deleted.length], [0, 6, 0]);
    const third = await writeTree(out, outputs("k2", "alpha"));
    assert.deepEqual(third.deleted.sort(), [
      "api/v1/plugins/beta/index.json",
      "api/v1/plugins/beta/v1.0.0/manifest.json",
    ]);
    assert.equal(third.written.length, 4);
    assert.deepEqual(readdirSync(path.join(real, "api/v1/plugins")), ["alpha"]);
    assert.match(readFileSync(path.join(real, "feeds/releases.xml"), "utf8"), /k2/);
    // The state moved with the folder's real name: renaming the link's target keeps it valid.
    renameSync(real, `${real}2`);
    rmSync(out);
    symlinkSync(`${real}2`, out);
    assert.equal((await writeTree(out, outputs("k2", "alpha"))).unchanged, 4);
  });
});

test("a build's caches and TUF metadata are never written through a link either", async () => {
  await withVictim(async ({ dir, out, victim }) => {
    const registry = copyFixture(path.join(dir, "out"));
    const site = path.join(out, "site");
    // Temporary files at the names this process would use: the caches are simply not saved.
    for (const name of [PARTS_FILE, VERDICTS_FILE])
      plant(path.join(site, `${name}.${process.pid}.tmp`), path.join(victim, "keep.txt"));
    assert.equal((await build(registry, site)).published, true);
    const keysDir = path.join(out, "keys");
    initTufKeys(keysDir);
    plant(path.join(site, "tuf"), victim);
    const tuf = readTufKeys(keysDir);
    const options = { registryDir: registry, outDir: site, env: { SOURCE_DATE_EPOCH: EPOCH }, tuf };
    await refused(buildRegistry(options), path.join(site, "tuf"));
    rmSync(path.join(site, "tuf"));
    await buildRegistry(options);
    plant(path.join(site, "tuf/timestamp.json"), path.join(victim, "a.json"));
    await refused(buildRegistry(options), path.join(site, "tuf/timestamp.json"), "a symbolic link");
  });
});
