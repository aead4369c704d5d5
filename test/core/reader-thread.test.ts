import assert from "node:assert/strict";
import { hash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { pluginName } from "../../bench/synthetic-registry.ts";
import { AS_REMEMBERED, stampLine, stampsText, wallClockNs } from "../../core/registry/file-stamps.ts";
import { type ReaderData, ReaderThread, type WalkedPlugin } from "../../core/registry/reader-thread.ts";
import { fsSource } from "../../core/registry/registry-fs.ts";
import { sameSizeEdit, stampableRegistry } from "./helpers/edits.ts";

const work = mkdtempSync(path.join(tmpdir(), "reader-"));
after(() => rmSync(work, { recursive: true, force: true }));

// More plugins than the thread walks in one window (64), so most plugins are not the first of theirs.
const PLUGINS = 150;
const dir = path.join(work, "registry");
const manifest = (i: number, version: string): string => `plugins/${pluginName(i)}/versions/${version}.json`;

/** Every plugin's files as the reader thread brought them, once its walk is over, by plugin. */
async function walkAll(stamps?: ReaderData["stamps"]): Promise<Map<string, WalkedPlugin | undefined>> {
  const reader = new ReaderThread({ location: { kind: "fs", dir }, ...(stamps ? { stamps } : {}) });
  try {
    // "~" sorts after every plugin name: passed only once the walk is over.
    while (!reader.passed("~")) await sleep(5);
    const names = readdirSync(path.join(dir, "plugins")).sort();
    return new Map(names.map((name) => [name, reader.take(name)]));
  } finally {
    await reader.close();
  }
}

test("the reader thread brings every plugin's manifests, each with its own bytes and sha256, in every window", async () => {
  await stampableRegistry(dir, PLUGINS);
  const walked = await walkAll();
  assert.equal(walked.size, PLUGINS);
  for (let i = 0; i < PLUGINS; i++) {
    const files = walked.get(pluginName(i));
    assert.deepEqual([...(files?.keys() ?? [])], ["1.0.0", "1.0.1"], pluginName(i));
    for (const [version, file] of files ?? []) {
      const bytes = readFileSync(path.join(dir, manifest(i, version)));
      assert.deepEqual(Buffer.from(file.bytes ?? []), bytes, manifest(i, version));
      assert.equal(file.sha256, hash("sha256", bytes));
      assert.equal(file.line, "");
    }
  }
});

test("with stamps, it reads only the files whose stamps changed, wherever they sit in a window", async () => {
  // Stamps of every manifest as a load would remember them (the registry is past the margin).
  const source = fsSource(dir);
  const lines: string[] = [];
  for (let i = 0; i < PLUGINS; i++) {
    for (const version of ["1.0.0", "1.0.1"]) {
      const rel = manifest(i, version);
      const line = stampLine(
        rel,
        await source.stamp?.(rel),
        hash("sha256", readFileSync(path.join(dir, rel))),
        wallClockNs(),
      );
      assert.ok(line, rel);
      lines.push(line);
    }
  }
  // Edited in place, same size, mtime kept: the first and last plugins of windows and some between.
  const edited = new Set([
    manifest(0, "1.0.1"),
    manifest(1, "1.0.0"),
    manifest(64, "1.0.0"),
    manifest(70, "1.0.1"),
    manifest(149, "1.0.0"),
  ]);
  for (const rel of edited) sameSizeEdit(path.join(dir, rel));
  const walked = await walkAll({
    previous: new TextEncoder().encode(stampsText(lines)),
    startedNs: wallClockNs(),
  });
  for (let i = 0; i < PLUGINS; i++) {
    for (const [version, file] of walked.get(pluginName(i)) ?? []) {
      const rel = manifest(i, version);
      const bytes = readFileSync(path.join(dir, rel));
      assert.equal(file.sha256, hash("sha256", bytes), rel);
      if (edited.has(rel)) {
        assert.deepEqual(Buffer.from(file.bytes ?? []), bytes, rel);
        // Changed within the margin of this load: not remembered.
        assert.equal(file.line, "", rel);
      } else {
        assert.equal(file.bytes, undefined, rel);
        assert.equal(file.line, AS_REMEMBERED, rel);
      }
    }
  }
});
