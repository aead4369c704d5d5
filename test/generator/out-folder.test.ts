/**
 * `build --out` inside the registry folder is refused on realpaths as well as on the paths as
 * written: a symbolic link in `--out` that leads into the registry, or a registry named through a
 * link while `--out` names its real folder, hides neither. Nothing is created in the registry.
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { RegistryError } from "../../core/errors.ts";
import { build, copyFixture, snapshot, tempDir } from "./helpers.ts";

/** A copy of the fixture registry in a temp folder; `body` runs, then the registry must be as it was. */
async function withRegistry(body: (dirs: { dir: string; registry: string }) => Promise<void>) {
  const { dir, cleanup } = tempDir("ffout-");
  try {
    const registry = copyFixture(dir);
    const before = snapshot(registry, "");
    await body({ dir, registry });
    assert.deepEqual(
      snapshot(registry, ""),
      before,
      "nothing in the registry was created, changed or deleted",
    );
  } finally {
    cleanup();
  }
}

async function refused(registry: string, out: string): Promise<void> {
  await assert.rejects(
    build(registry, out),
    (error: unknown) => {
      assert.ok(error instanceof RegistryError, String(error));
      assert.equal(error.code, "USAGE");
      assert.match(error.message, /is inside the registry folder/);
      return true;
    },
    out,
  );
}

test("an --out that reaches the registry through a symbolic link is refused", async () => {
  await withRegistry(async ({ dir, registry }) => {
    // A link to the registry itself, used as --out or as a folder on the way to it.
    symlinkSync(registry, path.join(dir, "to-registry"));
    await refused(registry, path.join(dir, "to-registry"));
    await refused(registry, path.join(dir, "to-registry/site"));
    await refused(registry, path.join(dir, "to-registry/plugins/new/deeper"));
    // A link to a folder inside it, and one to a folder inside it that does not exist yet.
    symlinkSync(path.join(registry, "plugins"), path.join(dir, "to-plugins"));
    await refused(registry, path.join(dir, "to-plugins"));
    symlinkSync(path.join(registry, "site"), path.join(dir, "dangling"));
    await refused(registry, path.join(dir, "dangling"));
    await refused(registry, path.join(dir, "dangling/api"));
    // Relative links resolve from their own folder.
    mkdirSync(path.join(dir, "links"));
    symlinkSync("../registry/_site", path.join(dir, "links/relative"));
    await refused(registry, path.join(dir, "links/relative"));
  });
});

test("a registry named through a symbolic link does not hide an --out inside its real folder", async () => {
  await withRegistry(async ({ dir, registry }) => {
    symlinkSync(registry, path.join(dir, "registry-link"));
    await refused(path.join(dir, "registry-link"), path.join(registry, "_site"));
    await refused(path.join(dir, "registry-link"), registry);
  });
});

test("an --out that is a link to a folder outside the registry builds there, and rebuilds", async () => {
  await withRegistry(async ({ dir, registry }) => {
    mkdirSync(path.join(dir, "real-site"));
    symlinkSync(path.join(dir, "real-site"), path.join(dir, "site"));
    const first = await build(registry, path.join(dir, "site"));
    assert.equal(first.published, true);
    assert.ok(readdirSync(path.join(dir, "real-site")).includes("api"));
    const second = await build(registry, path.join(dir, "site"));
    assert.equal(second.report?.written.length, 0);
    assert.ok((second.report?.unchanged ?? 0) > 0);
    // A folder whose name begins with the registry's is not inside it.
    await build(registry, path.join(dir, "registry-site"));
    assert.ok(readdirSync(path.join(dir, "registry-site")).includes("api"));
  });
});

test("an --out through a loop of symbolic links, or below a file, is refused by name before anything is written", async () => {
  await withRegistry(async ({ dir, registry }) => {
    symlinkSync(path.join(dir, "b"), path.join(dir, "a"));
    symlinkSync(path.join(dir, "a"), path.join(dir, "b"));
    writeFileSync(path.join(dir, "file"), "not a folder");
    for (const [out, found] of [
      [path.join(dir, "a"), /a loop of symbolic links/],
      [path.join(dir, "a", "site"), /a loop of symbolic links/],
      [path.join(dir, "file", "site"), /a file where a folder must be/],
    ] as const) {
      await assert.rejects(
        build(registry, out),
        (error: unknown) => {
          assert.ok(error instanceof RegistryError, String(error));
          assert.equal(error.code, "UNSAFE_OUTPUT_PATH");
          assert.match(error.message, found);
          assert.ok(error.message.includes(`--out ${out} `), error.message);
          assert.match(error.message, /remove it or give another --out/);
          return true;
        },
        out,
      );
    }
    assert.deepEqual(readdirSync(dir).sort(), ["a", "b", "file", "registry"].sort());
  });
});
