import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

test("no tracked file holds a merge conflict marker", () => {
  // Markers are split so this file does not match itself.
  const pattern = ["^<{7} ", "^>{7} ", "^={7}$"].join("|");
  const grep = spawnSync("git", ["grep", "-n", "-I", "-E", pattern, "--", ".", ":!dist", ":!release/dist"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  assert.notEqual(grep.status, 2, `git grep failed: ${grep.stderr}`);
  assert.equal(grep.stdout, "", `merge conflict markers left behind:\n${grep.stdout}`);
});
