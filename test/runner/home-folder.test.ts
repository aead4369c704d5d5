/**
 * An empty or relative HOME (a service or CI job with `HOME=`) must not put the plugins and the
 * trust state in the folder a command runs in, where a checkout could plant them (SECURITY.md I12).
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { contextFromArgs } from "../../cli/runner-cli.ts";
import { createContext, tufSettings } from "../../runner/create-context.ts";

test("with HOME empty or relative, the runner's plugin folder and trust state are the account's, never the checkout's it runs in", async () => {
  const checkout = mkdtempSync(path.join(tmpdir(), "ffr-home-"));
  // What an attacker's checkout would hold: a trust root and a plugin folder of its own.
  mkdirSync(path.join(checkout, ".finfocus", "tuf"), { recursive: true });
  writeFileSync(path.join(checkout, ".finfocus", "tuf", "root.json"), "{}");
  mkdirSync(path.join(checkout, ".finfocus", "plugins", "evil", "v1.0.0"), { recursive: true });
  const account = path.join(userInfo().homedir, ".finfocus");
  const saved = process.env.HOME;
  try {
    for (const home of ["", ".", "checkout"]) {
      const io = { stdout: () => {}, stderr: () => {}, cwd: checkout, env: { HOME: home }, isTTY: false };
      const ctx = await contextFromArgs({} as Parameters<typeof contextFromArgs>[0], io);
      assert.equal(ctx.pluginDir, path.join(account, "plugins"), `HOME='${home}'`);
      assert.ok(!ctx.pluginDir.startsWith(checkout), `HOME='${home}'`);
      // The library's defaults, from the process's environment.
      process.env.HOME = home;
      const previous = process.cwd();
      process.chdir(checkout);
      try {
        assert.equal(createContext().pluginDir, path.join(account, "plugins"), `HOME='${home}'`);
        assert.equal(tufSettings({}).dir, path.join(account, "tuf"), `HOME='${home}'`);
      } finally {
        process.chdir(previous);
      }
    }
  } finally {
    if (saved === undefined) delete process.env.HOME;
    else process.env.HOME = saved;
    rmSync(checkout, { recursive: true, force: true });
  }
});
