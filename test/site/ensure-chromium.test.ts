/** Finding the browser: CHROMIUM_PATH wins and must be executable; otherwise the usual paths. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ChromiumNotFoundError, findChromium } from "../../scripts/ensure-chromium.ts";

test("CHROMIUM_PATH is used when executable and refused with a clear error when not", async () => {
  const dir = await mkdtemp(join(tmpdir(), "chromium-"));
  const fake = join(dir, "chrome");
  writeFileSync(fake, "#!/bin/sh\n", { mode: 0o755 });
  assert.equal(findChromium({ CHROMIUM_PATH: fake }), fake);
  const notExecutable = join(dir, "plain");
  writeFileSync(notExecutable, "", { mode: 0o644 });
  assert.throws(
    () => findChromium({ CHROMIUM_PATH: notExecutable }),
    (error: unknown) => error instanceof ChromiumNotFoundError && error.code === "CHROMIUM_NOT_FOUND",
  );
});

test("the script prints the browser it found, or exits 2 naming what to install", () => {
  const script = join(import.meta.dirname, "../../scripts/ensure-chromium.ts");
  const run = spawnSync(process.execPath, [script], { encoding: "utf8" });
  if (run.status === 0) {
    assert.equal(run.stdout.trim(), findChromium({ ...process.env }));
  } else {
    assert.equal(run.status, 2);
    assert.match(run.stderr, /apt-get install chromium|CHROMIUM_PATH/);
  }
});
