import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

test("every finding code is documented in docs/findings.md, and the doc names no other", () => {
  const types = readFileSync(new URL("../../core/findings.types.ts", import.meta.url), "utf8");
  const codes = new Set([...types.matchAll(/\| "([A-Z0-9_]+)"/g)].map((m) => m[1]));
  const doc = readFileSync(new URL("../../docs/findings.md", import.meta.url), "utf8");
  const documented = new Set([...doc.matchAll(/^\| `([A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1]));
  assert.ok(codes.size > 40);
  assert.deepEqual(
    [...codes].filter((c) => !documented.has(c)),
    [],
    "undocumented codes",
  );
  assert.deepEqual(
    [...documented].filter((c) => !codes.has(c)),
    [],
    "documented codes that do not exist",
  );
});
