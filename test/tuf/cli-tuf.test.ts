import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { copyFixture, EPOCH, tempDir } from "../generator/helpers.ts";
import { startServer } from "../runner/helpers/server.ts";
import { serveFolder, tufClient } from "./helpers.ts";

const bin = fileURLToPath(new URL("../../bin/finfocus-registry.js", import.meta.url));
const env = { ...process.env, SOURCE_DATE_EPOCH: EPOCH };

function cli(cwd: string, args: string[], extraEnv: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, ...args], { cwd, env: { ...env, ...extraEnv }, encoding: "utf8" });
}

test("tuf init, build --tuf-keys, tuf sign and tuf rotate through the real CLI; a tuf-js client follows the rotation", async () => {
  const { dir, cleanup } = tempDir();
  const server = await startServer();
  try {
    copyFixture(dir);
    const init = cli(dir, ["tuf", "init", "--keys", "tuf-keys", "--format", "json"]);
    assert.equal(init.status, 0, init.stderr);
    const made = JSON.parse(init.stdout) as { keyFiles: string[] };
    assert.equal(made.keyFiles.length, 4);
    for (const file of made.keyFiles) assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(cli(dir, ["tuf", "init", "--keys", "tuf-keys"]).status, 2, "a second init is refused");

    const build = ["build", "--registry", "registry", "--out", "dist", "--no-site", "--tuf-keys", "tuf-keys"];
    const built = cli(dir, build);
    assert.equal(built.status, 0, built.stderr);
    assert.match(built.stdout, /targets signed/);
    const signed = cli(dir, ["tuf", "sign", "--keys", "tuf-keys", "--out", "dist", "--format", "json"]);
    assert.equal(signed.status, 0, signed.stderr);
    assert.deepEqual(JSON.parse(signed.stdout).written, [], "fresh metadata is kept");

    const root1 = readFileSync(path.join(dir, "tuf-keys/root/1.root.json"));
    const rotated = cli(dir, ["tuf", "rotate", "--keys", "tuf-keys", "--role", "timestamp"]);
    assert.equal(rotated.status, 0, rotated.stderr);
    assert.equal(cli(dir, ["tuf", "sign", "--keys", "tuf-keys", "--out", "dist"]).status, 0);
    assert.ok(readdirSync(path.join(dir, "dist/tuf")).includes("2.root.json"));

    serveFolder(server, path.join(dir, "dist"));
    const client = tufClient(server.url, root1);
    try {
      await client.updater.refresh();
      assert.ok(await client.updater.getTargetInfo("api/v1/registry.json"));
      const trusted = JSON.parse(readFileSync(path.join(client.dir, "root.json"), "utf8"));
      assert.equal(trusted.signed.version, 2);
    } finally {
      rmSync(client.dir, { recursive: true, force: true });
    }
  } finally {
    await server.close();
    cleanup();
  }
});

test("online keys from the environment sign a build; missing keys fail it before anything is written", () => {
  const { dir, cleanup } = tempDir();
  try {
    copyFixture(dir);
    assert.equal(cli(dir, ["tuf", "init", "--keys", "k"]).status, 0);
    // Move the online keys out of the folder into variables, as CI secrets would hold them.
    const root = JSON.parse(readFileSync(path.join(dir, "k/root/1.root.json"), "utf8"));
    const vars: Record<string, string> = {};
    for (const role of ["targets", "snapshot", "timestamp"]) {
      const id = root.signed.roles[role].keyids[0];
      const file = path.join(dir, "k/keys", `${id}.pem`);
      vars[`FINFOCUS_TUF_${role.toUpperCase()}_KEY`] = readFileSync(file, "utf8");
      renameSync(file, path.join(dir, `${role}.pem`));
    }
    const build = ["build", "--registry", "registry", "--out", "dist", "--no-site", "--tuf-keys", "k"];
    const missing = cli(dir, [...build, "--format", "json"]);
    assert.equal(missing.status, 2);
    assert.equal(JSON.parse(missing.stdout).code, "TUF_KEY_MISSING");
    assert.ok(!existsSync(path.join(dir, "dist")), "nothing written");
    // A keys folder with no root metadata at all: the metadata is what is missing.
    mkdirSync(path.join(dir, "empty-keys"));
    const noRoot = cli(dir, [...build.slice(0, -1), "empty-keys", "--format", "json"]);
    assert.equal(noRoot.status, 2);
    assert.equal(JSON.parse(noRoot.stdout).code, "TUF_METADATA_INVALID");
    assert.ok(!existsSync(path.join(dir, "dist")), "nothing written");
    const bad = cli(dir, [...build, "--format", "json"], { FINFOCUS_TUF_TARGETS_KEY: "not a key" });
    assert.equal(JSON.parse(bad.stdout).code, "TUF_KEY_INVALID");
    const ok = cli(dir, build, vars);
    assert.equal(ok.status, 0, ok.stderr);
    assert.ok(existsSync(path.join(dir, "dist/tuf/timestamp.json")));
  } finally {
    cleanup();
  }
});
