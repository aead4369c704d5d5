import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { scanManifests } from "../../runner/source/filesystem-source.ts";

test("a scanned folder yields regular manifest files within the limit, never a link, a pipe or a larger file", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "ffr-scan-"));
  try {
    const folder = (name: string) => {
      mkdirSync(path.join(dir, name));
      return path.join(dir, name);
    };
    writeFileSync(path.join(folder("good"), "plugin.json"), '{"ok":true}');
    symlinkSync(path.join(dir, "good", "plugin.json"), path.join(folder("link"), "manifest.json"));
    assert.equal(spawnSync("mkfifo", [path.join(folder("pipe"), "plugin.json")]).status, 0);
    writeFileSync(path.join(folder("large"), "manifest.json"), Buffer.alloc(1024 * 1024 + 1, 0x20));
    const found = await scanManifests(dir, true);
    assert.deepEqual(
      found.map((m) => [path.relative(dir, m.location), Buffer.from(m.bytes).toString()]),
      [["good/plugin.json", '{"ok":true}']],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
