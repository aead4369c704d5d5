/** Registries and edits a cache must not hide: shared by the stamps tests of core and the generator. */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { writeSyntheticRegistry } from "../../../bench/synthetic-registry.ts";
import { STAMP_MARGIN_NS } from "../../../core/registry/file-stamps.ts";

/**
 * Writes a synthetic registry of `plugins` plugins × 2 versions into the new folder `dir`, then
 * waits past the stamps' margin, so its files' stamps may be remembered from then on.
 */
export async function stampableRegistry(dir: string, plugins: number): Promise<void> {
  mkdirSync(dir);
  writeSyntheticRegistry(dir, { plugins, versions: 2 });
  await sleep(Number(STAMP_MARGIN_NS / 1_000_000n) + 100);
}

/** Rewrites a manifest's description with another of the same length, keeping its mtime. */
export function sameSizeEdit(file: string): void {
  const before = statSync(file);
  const text = readFileSync(file, "utf8");
  const changed = text.replace(
    /"description": "(.)/,
    (_, c: string) => `"description": "${c === "X" ? "Y" : "X"}`,
  );
  assert.notEqual(changed, text);
  assert.equal(changed.length, text.length);
  writeFileSync(file, changed);
  utimesSync(file, before.atime, before.mtime);
}
