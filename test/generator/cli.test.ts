import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { copyFixture, EPOCH, tempDir } from "./helpers.ts";

const bin = fileURLToPath(new URL("../../bin/finfocus-registry.js", import.meta.url));
const env = { ...process.env, SOURCE_DATE_EPOCH: EPOCH };

test("the real CLI builds a registry, then rebuilds it writing nothing", () => {
  const { dir, cleanup } = tempDir();
  try {
    copyFixture(dir);
    const args = [bin, "build", "--registry", "registry", "--out", "dist", "--no-site"];
    const first = spawnSync(process.execPath, args, { cwd: dir, env, encoding: "utf8" });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /built dist: 3 plugins, 6 versions; 21 written, 0 unchanged, 0 deleted/);
    const second = spawnSync(process.execPath, args, { cwd: dir, env, encoding: "utf8" });
    assert.match(second.stdout, /0 written, 21 unchanged, 0 deleted/);
  } finally {
    cleanup();
  }
});

test("the real CLI refuses to publish an invalid registry (exit 1, findings printed, nothing written)", () => {
  const { dir, cleanup } = tempDir();
  try {
    const registry = copyFixture(dir);
    rmSync(path.join(registry, "plugins/alpha-cost/entry.json"));
    const r = spawnSync(process.execPath, [bin, "build", "--out", "dist", "--no-site"], {
      cwd: dir,
      env,
      encoding: "utf8",
    });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /ENTRY_INVALID/);
    assert.match(r.stderr, /refusing to publish/);
    assert.equal(existsSync(path.join(dir, "dist")), false);
    const missing = spawnSync(process.execPath, [bin, "build", "--registry", "nowhere"], {
      cwd: dir,
      env,
      encoding: "utf8",
    });
    assert.equal(missing.status, 2);
  } finally {
    cleanup();
  }
});

test("an --out inside the registry folder is refused before anything is written (it would become part of the registry)", () => {
  const { dir, cleanup } = tempDir();
  try {
    const registry = copyFixture(dir);
    for (const out of ["registry", "registry/site", "registry/plugins"]) {
      const r = spawnSync(process.execPath, [bin, "build", "--worktree", "--out", out, "--no-site"], {
        cwd: dir,
        env,
        encoding: "utf8",
      });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /is inside the registry folder/);
    }
    assert.equal(existsSync(path.join(registry, "site")), false);
    assert.equal(existsSync(path.join(registry, "api")), false);
  } finally {
    cleanup();
  }
});

test("the real CLI serves a build until it is stopped", async () => {
  const { dir, cleanup } = tempDir();
  try {
    copyFixture(dir);
    spawnSync(process.execPath, [bin, "build", "--out", "dist", "--no-site"], { cwd: dir, env });
    const child = spawn(process.execPath, [bin, "serve", "--dir", "dist", "--port", "0"], { cwd: dir, env });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.once("exit", (code) => reject(new Error(`serve exited with ${code}`)));
      });
      const reply = await fetch(`${url}api/v1/plugins/beta-k8s/index.json`);
      assert.equal(reply.status, 200);
      assert.equal(((await reply.json()) as { deprecated: boolean }).deprecated, true);
    } finally {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
  } finally {
    cleanup();
  }
});
