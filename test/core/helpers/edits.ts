/** Edits a cache must not hide: shared by the stamps tests of core and the generator. */
import assert from "node:assert/strict";
import { readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";

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
