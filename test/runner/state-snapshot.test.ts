import assert from "node:assert/strict";
import { renameSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { layoutFor } from "../../runner/install/layout.ts";
import { readStateSnapshot, updateState } from "../../runner/install/state.ts";
import type { InstalledPlugin } from "../../runner/install/state.types.ts";
import { listInstalled } from "../../runner/ops/list.ts";

const temps: string[] = [];
after(() => Promise.all(temps.map((t) => rm(t, { recursive: true, force: true }))));

async function pluginDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ffr-state-"));
  temps.push(dir);
  await mkdir(join(dir, ".finfocus-registry"), { recursive: true });
  return dir;
}

const record = (dir: string, name: string, version: string): InstalledPlugin => ({
  name,
  version,
  path: join(dir, name, `v${version}`),
  install_id: `${name}-${version}`,
  installed_at: "2026-01-01T00:00:00Z",
  explicit: true,
  source: { kind: "registry", location: "https://registry.example" },
  security_level: "community",
  signature_kind: "none",
  dependencies: [{ name: "base", version_constraint: "^1.0.0", optional: false }],
  permissions: [],
});

test("the readers' snapshot is parsed once per state file and is frozen all the way down", async () => {
  const dir = await pluginDir();
  const layout = layoutFor(dir);
  await updateState(layout, (s) => {
    s.plugins.a = record(dir, "a", "1.0.0");
  });
  const first = await readStateSnapshot(layout);
  assert.equal(await readStateSnapshot(layout), first, "an unchanged file is not parsed again");
  assert.ok(Object.isFrozen(first.plugins.a?.dependencies[0]));
  assert.throws(() => {
    (first.plugins.a as InstalledPlugin).version = "9.9.9";
  }, TypeError);
});

test("every commit is seen at once, even one of the same size within the same instant", async () => {
  const dir = await pluginDir();
  const layout = layoutFor(dir);
  await updateState(layout, (s) => {
    s.plugins.a = record(dir, "a", "1.0.0");
  });
  assert.equal((await readStateSnapshot(layout)).plugins.a?.version, "1.0.0");
  // Same length, replaced by a rename (a new file): a new snapshot.
  await updateState(layout, (s) => {
    s.plugins.a = record(dir, "a", "1.0.1");
  });
  assert.equal((await readStateSnapshot(layout)).plugins.a?.version, "1.0.1");
  // Written in place by a person's editor: its times change, so does the snapshot.
  const text = JSON.stringify({ format: 1, plugins: { b: record(dir, "b", "2.0.0") } });
  await writeFile(layout.stateFile, text);
  assert.deepEqual(Object.keys((await readStateSnapshot(layout)).plugins), ["b"]);
  await rm(layout.stateFile);
  assert.deepEqual((await readStateSnapshot(layout)).plugins, {});
});

test("readers in a burst share stats, yet each sees every commit finished before it began", async () => {
  const dir = await pluginDir();
  const layout = layoutFor(dir);
  const text = (version: string) => JSON.stringify({ format: 1, plugins: { a: record(dir, "a", version) } });
  writeFileSync(layout.stateFile, text("1.0.0"));
  for (let i = 1; i <= 50; i++) {
    writeFileSync(`${layout.stateFile}.next`, text(`1.0.${i}`));
    // A reader whose stat is in flight while a commit (a rename) lands: it may see either state.
    const during = readStateSnapshot(layout);
    renameSync(`${layout.stateFile}.next`, layout.stateFile);
    // Readers that began after the commit see it, however many readers are still in flight.
    const after = await Promise.all(Array.from({ length: 5 }, () => readStateSnapshot(layout)));
    for (const state of after) assert.equal(state.plugins.a?.version, `1.0.${i}`);
    assert.match(String((await during).plugins.a?.version), new RegExp(`^1\\.0\\.(${i - 1}|${i})$`));
  }
});

test("an unreadable state is refused every time, never remembered", async () => {
  const dir = await pluginDir();
  const layout = layoutFor(dir);
  await writeFile(layout.stateFile, "{ not json");
  for (let i = 0; i < 2; i++) {
    await assert.rejects(readStateSnapshot(layout), (e: Error & { code?: string }) => {
      assert.equal(e.code, "INSTALL_FAILED");
      return true;
    });
  }
});

test("listInstalled hands out copies its caller may change without touching the snapshot", async () => {
  const dir = await pluginDir();
  const layout = layoutFor(dir);
  await updateState(layout, (s) => {
    s.plugins.a = record(dir, "a", "1.0.0");
  });
  const [listed] = await listInstalled(dir);
  assert.ok(listed);
  listed.version = "changed";
  listed.dependencies.push({ name: "x", version_constraint: "*", optional: true });
  const again = await listInstalled(dir);
  assert.equal(again[0]?.version, "1.0.0");
  assert.equal(again[0]?.dependencies.length, 1);
});
