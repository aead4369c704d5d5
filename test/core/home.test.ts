/** core/home.ts: the one rule for the home folder below which the FinFocus layout and trust state live. */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { userInfo } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { homeFolder } from "../../core/home.ts";

test("the home folder is $HOME when absolute, else the account's: an empty or relative HOME never names a folder below where a command runs", () => {
  const absolute = path.resolve("/somewhere/home");
  assert.equal(homeFolder({ HOME: absolute }), absolute);
  const account = userInfo().homedir;
  assert.ok(path.isAbsolute(account));
  for (const home of ["", ".", "home", "./home", "../home"])
    assert.equal(homeFolder({ HOME: home }), account, home);
  assert.equal(homeFolder({}), account);
});

test("no other module decides where home is (no homedir(), no env.HOME outside core/home.ts)", () => {
  const root = path.resolve(import.meta.dirname, "../..");
  const offenders: string[] = [];
  for (const dir of ["core", "runner", "cli", "service", "net", "generator", "release", "action"]) {
    for (const file of readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })) {
      if (!file.endsWith(".ts") || path.join(dir, file) === path.join("core", "home.ts")) continue;
      const text = readFileSync(path.join(root, dir, file), "utf8");
      if (/\bhomedir\(|\benv\.HOME\b|\["HOME"\]/.test(text)) offenders.push(path.join(dir, file));
    }
  }
  assert.deepEqual(offenders, []);
});
