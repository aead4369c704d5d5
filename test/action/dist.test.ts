import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { buildAction } from "../../scripts/build-action.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

test("the committed dist/index.js equals a fresh build (run npm run build:action)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gate-build-"));
  try {
    await buildAction(join(dir, "index.js"));
    const fresh = readFileSync(join(dir, "index.js"));
    const committed = readFileSync(`${root}dist/index.js`);
    assert.ok(fresh.equals(committed), "dist/index.js is stale: run npm run build:action and commit it");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the README's Action section is generated from action.yml (run npm run build:action)", () => {
  const r = spawnSync(process.execPath, [`${root}scripts/generate-action-docs.ts`, "--check"], {
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
});

test("action.yml runs the bundle on node24 and documents every input the settings read", () => {
  const yml = readFileSync(`${root}action.yml`, "utf8");
  assert.match(yml, /^ {2}using: node24$/m);
  assert.match(yml, /^ {2}main: dist\/index\.js$/m);
  const settings = readFileSync(`${root}action/inputs.ts`, "utf8");
  const read = new Set([...settings.matchAll(/(?:getInput|choice|bool)\("([\w-]+)"/g)].map((m) => m[1]));
  for (const name of read)
    assert.match(yml, new RegExp(`^ {2}${name}:$`, "m"), `input ${name} is not in action.yml`);
  for (const name of ["valid", "changed-plugins", "findings", "summary"])
    assert.match(yml, new RegExp(`^ {2}${name}:$`, "m"));
});
