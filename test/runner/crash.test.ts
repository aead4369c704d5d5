import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Manifest } from "../../core/manifest.types.ts";
import { isRunnerError } from "../../runner/errors.ts";
import { layoutFor } from "../../runner/install/layout.ts";
import { withLock } from "../../runner/install/lock.ts";
import { install } from "../../runner/ops/install.ts";
import { listInstalled } from "../../runner/ops/list.ts";
import { serviceFiles, tarGz } from "./helpers/archives.ts";
import { testContext } from "./helpers/context.ts";
import { publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

const child = fileURLToPath(new URL("./helpers/crash-child.ts", import.meta.url));
let server: StaticServer;
const temps: string[] = [];
before(async () => {
  server = await startServer();
  const service = (version: string) => ({
    version,
    // The binary keeps the line each plugin folder is checked for (\`echo base\`), as a comment.
    archive: tarGz(
      serviceFiles("svc").map((f) =>
        f.path === "finfocus-plugin-svc"
          ? { ...f, data: String(f.data).replace("\n", "\n# echo base\n") }
          : f,
      ),
    ),
    edit: (m: Manifest) => {
      m.specification.service_definition.port = 50998;
    },
  });
  publish(server, [
    { name: "base", versions: [{ version: "1.0.0" }, { version: "1.0.1" }] },
    { name: "svc", versions: [service("1.0.0"), service("1.0.1")] },
    ...["p1", "p2", "p3"].map((name) => ({ name, versions: [{ version: "1.0.0" }] })),
  ]);
});
after(async () => {
  await server.close();
  for (const t of temps) await rm(t, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [child, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d) => {
      out += d;
    });
    p.stderr.on("data", (d) => {
      out += d;
    });
    p.on("close", (code, signal) => resolve({ code, signal, out }));
  });
}

/** Every version folder present is complete: its manifest names its own version, the binary is there. */
async function assertComplete(pluginDir: string, name: string): Promise<string[]> {
  const dirs = await readdir(join(pluginDir, name)).catch(() => [] as string[]);
  for (const d of dirs) {
    const manifest = JSON.parse(await readFile(join(pluginDir, name, d, "registry.manifest.json"), "utf8"));
    assert.equal(`v${manifest.metadata.version}`, d);
    const cli = JSON.parse(await readFile(join(pluginDir, name, d, "plugin.manifest.json"), "utf8"));
    assert.equal(cli.version, d);
    assert.match(await readFile(join(pluginDir, name, d, `finfocus-plugin-${name}`), "utf8"), /echo base/);
  }
  return dirs;
}

async function assertClean(pluginDir: string): Promise<void> {
  const home = layoutFor(pluginDir);
  for (const dir of [home.staging, home.journal, home.backups]) {
    assert.deepEqual(await readdir(dir).catch(() => []), [], `${dir} is empty after recovery`);
  }
}

const scenarios: { what: string; name?: string; constraint: string; force: string; steps: string[] }[] = [
  {
    what: "update of a service plugin 1.0.0 → 1.0.1 (configured and health-checked before the commit)",
    name: "svc",
    constraint: "1.0.1",
    force: "update",
    steps: ["staged", "checked", "journaled", "renamed", "committed", "cleaned"],
  },
  {
    what: "update 1.0.0 → 1.0.1",
    constraint: "1.0.1",
    force: "",
    // "checked": the new version was configured and health-checked in staging, nothing journaled yet.
    steps: ["staged", "checked", "journaled", "renamed", "committed", "cleaned"],
  },
  {
    what: "forced reinstall of 1.0.0",
    constraint: "1.0.0",
    force: "force",
    steps: ["checked", "journaled", "backed-up", "renamed", "committed"],
  },
  { what: "remove", constraint: "remove", force: "", steps: ["backed-up", "committed"] },
];

for (const s of scenarios) {
  test(`I7: killed at each step of ${s.what}, the plugin is the old version or the new one`, async () => {
    for (const step of s.steps) {
      const c = await testContext(server.url, { yes: true });
      temps.push(c.tmp);
      const name = s.name ?? "base";
      await install(c, { plugins: [{ name, constraint: "1.0.0" }] });
      const r = await run([server.url, c.pluginDir, join(c.tmp, "cache"), name, s.constraint, step, s.force]);
      assert.equal(r.signal, "SIGKILL", `${step}: ${r.out}`);
      await assertComplete(c.pluginDir, name);
      const listed = await listInstalled(c.pluginDir); // the next run recovers
      const dirs = await assertComplete(c.pluginDir, name);
      if (s.constraint === "remove") {
        assert.ok(listed.length === 0 ? dirs.length === 0 : dirs.join() === "v1.0.0", `${step}: ${dirs}`);
      } else {
        assert.equal(dirs.length, 1, `${step}: ${dirs}`);
        assert.equal(dirs[0], `v${listed[0]?.version}`);
        assert.ok(["v1.0.0", `v${s.constraint}`].includes(dirs[0] ?? ""));
      }
      await assertClean(c.pluginDir);
    }
  });
}

test("I8: parallel installs into one folder all land, and the state file stays whole", async () => {
  const c = await testContext(server.url, { yes: true });
  temps.push(c.tmp);
  const runs = await Promise.all([
    run([server.url, c.pluginDir, join(c.tmp, "cache1"), "base", "1.0.1", "never", ""]),
    run([server.url, c.pluginDir, join(c.tmp, "cache2"), "base", "1.0.1", "never", ""]),
    run([server.url, c.pluginDir, join(c.tmp, "cache3"), "p1", "1.0.0", "never", ""]),
    run([server.url, c.pluginDir, join(c.tmp, "cache4"), "p2", "1.0.0", "never", ""]),
  ]);
  for (const r of runs) assert.equal(r.code, 0, r.out);
  await Promise.all(["p3", "p1"].map((name) => install(c, { plugins: [{ name }] })));
  assert.deepEqual(
    (await listInstalled(c.pluginDir)).map((p) => `${p.name}@${p.version}`),
    ["base@1.0.1", "p1@1.0.0", "p2@1.0.0", "p3@1.0.0"],
  );
  assert.deepEqual(await assertComplete(c.pluginDir, "base"), ["v1.0.1"]);
});

test("I8: a lock held by a live process makes the other wait, then fail clearly; a dead owner's lock is recovered", async () => {
  const c = await testContext(server.url, { yes: true, lockTimeoutMs: 300 });
  temps.push(c.tmp);
  const layout = layoutFor(c.pluginDir);
  await withLock(layout, "p1", 1000, async () => {
    await assert.rejects(install(c, { plugins: [{ name: "p1" }] }), (e) =>
      isRunnerError(e, "INSTALL_LOCKED"),
    );
  });
  // A lock left by a process that no longer exists.
  const dead = await new Promise<number>((resolve) => {
    const p = spawn(process.execPath, ["-e", ""]);
    p.on("close", () => resolve(p.pid ?? 999_999));
  });
  await writeFile(
    join(layout.locks, "p1.lock"),
    JSON.stringify({ pid: dead, start: "1", host: (await import("node:os")).hostname(), at: "" }),
  );
  await install(c, { plugins: [{ name: "p1" }] });
  // A lock whose pid is alive but was reused (another start time) is stale too.
  await writeFile(
    join(layout.locks, "p2.lock"),
    JSON.stringify({ pid: process.pid, start: "0", host: (await import("node:os")).hostname(), at: "" }),
  );
  await install(c, { plugins: [{ name: "p2" }] });
  assert.equal((await listInstalled(c.pluginDir)).length, 2);
});
