/**
 * #11 point 4: granted permissions are remembered, so an update that asks for nothing new needs
 * no approval; an optional dependency that cannot be installed is skipped with one warning;
 * removal stops the service this runner started and backs up the plugin's folder and
 * configuration when asked. (The health check and rollback: after-install-health.test.ts.)
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readdir, rm, writeFile } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { optionalOnly } from "../../core/resolve/optional.ts";
import { isRunnerError } from "../../runner/errors.ts";
import { install } from "../../runner/ops/install.ts";
import { remove } from "../../runner/ops/remove.ts";
import { update } from "../../runner/ops/update.ts";
import { runInstalled } from "../../runner/sandbox/run-installed.ts";
import { serviceFiles, tarGz } from "./helpers/archives.ts";
import { testContext } from "./helpers/context.ts";
import { publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

async function freePort(): Promise<number> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  const { port } = listener.address() as AddressInfo;
  await new Promise((resolve) => listener.close(resolve));
  return port;
}

let server: StaticServer;
const container = (m: { installation: Record<string, unknown> }) => {
  m.installation = {
    installation_method: "container",
    download_url: `127.0.0.1:9/acme/boxed@sha256:${"1".repeat(64)}`,
    checksum: "1".repeat(64),
    checksum_algorithm: "sha256",
  };
};

before(async () => {
  server = await startServer();
  publish(server, [
    {
      name: "perm",
      versions: [
        { version: "1.0.0", permissions: ["network_access"] },
        { version: "1.0.1", permissions: ["network_access"] },
        { version: "1.0.2", permissions: ["network_access", "filesystem_write"] },
      ],
    },
    {
      name: "svc",
      versions: [
        {
          version: "1.0.0",
          archive: tarGz(serviceFiles("svc")),
        },
      ],
    },
    { name: "boxed", versions: [{ version: "1.0.0", edit: container }] },
    {
      name: "host",
      versions: [
        { version: "1.0.0", deps: [{ name: "boxed", version_constraint: "^1.0.0", optional: true }] },
      ],
    },
    {
      name: "needs-box",
      versions: [{ version: "1.0.0", deps: [{ name: "boxed", version_constraint: "^1.0.0" }] }],
    },
  ]);
});
after(() => server.close());

test("an update that asks for no new permission needs no approval; a new one still does", async () => {
  const first = await testContext(server.url, { allowPermissions: ["network_access"] });
  try {
    await install(first, { plugins: [{ name: "perm", constraint: "1.0.0" }] });
    // Unattended: no --yes, no --allow-permissions, nobody to ask.
    const later = await testContext(server.url, { pluginDir: first.pluginDir });
    const [outcome] = await update(later, { names: ["perm"], targetVersion: "1.0.1" });
    assert.equal(outcome?.status, "updated");
    await assert.rejects(update(later, { names: ["perm"], targetVersion: "1.0.2" }), (e) => {
      assert.ok(isRunnerError(e, "PERMISSIONS_ERROR"));
      assert.deepEqual(e.details.permissions, ["filesystem_write"]);
      return true;
    });
  } finally {
    await rm(first.tmp, { recursive: true, force: true });
  }
});

test("an optional dependency that cannot be installed is skipped with one warning; a required one fails", async () => {
  const context = await testContext(server.url, { oci: false });
  try {
    const result = await install(context, { plugins: [{ name: "host" }] });
    assert.deepEqual(
      result.installed.map((p) => p.name),
      ["host"],
    );
    const about = result.warnings.filter((w) => w.includes("boxed"));
    assert.equal(about.length, 1, String(result.warnings));
    assert.match(about[0] ?? "", /UNSUPPORTED_INSTALLATION_METHOD/);
    await assert.rejects(install(context, { plugins: [{ name: "needs-box" }] }), (e) =>
      isRunnerError(e, "UNSUPPORTED_INSTALLATION_METHOD"),
    );
  } finally {
    await rm(context.tmp, { recursive: true, force: true });
  }
});

test("optional-only picks: what no needed plugin requires", () => {
  const pick = (name: string, explicit: boolean, deps: [string, boolean][] = []) => ({
    name,
    version: "1.0.0",
    alreadyInstalled: false,
    explicit,
    row: {
      version: "1.0.0",
      dependencies: deps.map(([n, optional]) => ({ name: n, version_constraint: "^1.0.0", optional })),
      yanked: false,
      prerelease: false,
    },
  });
  const picks = [
    pick("app", true, [
      ["opt", true],
      ["req", false],
    ]),
    pick("opt", false, [["under-opt", false]]),
    pick("under-opt", false),
    pick("req", false, [["opt", true]]),
  ];
  assert.deepEqual([...optionalOnly(picks)].sort(), ["opt", "under-opt"]);
});

test("remove --backup copies the version folder first, whole or not at all; a failed backup removes nothing", async () => {
  const context = await testContext(server.url, { allowPermissions: ["network_access"] });
  try {
    await install(context, { plugins: [{ name: "perm", constraint: "1.0.0" }] });
    const blocked = join(context.tmp, "not-a-folder");
    await writeFile(blocked, "x");
    await assert.rejects(remove(context, { name: "perm", backupDir: blocked }), (e) =>
      isRunnerError(e, "IO_ERROR"),
    );
    assert.ok(existsSync(join(context.pluginDir, "perm", "v1.0.0")), "still installed");
    const result = await remove(context, { name: "perm", backupDir: join(context.tmp, "backups") });
    assert.ok(result.backup_path);
    assert.deepEqual(await readdir(join(context.tmp, "backups")), [result.backup_path!.split("/").at(-1)]);
    assert.ok(existsSync(join(result.backup_path!, "v1.0.0", "finfocus-plugin-perm")));
    assert.ok(!existsSync(join(context.pluginDir, "perm", "v1.0.0")));
  } finally {
    await rm(context.tmp, { recursive: true, force: true });
  }
});

test("remove stops the plugin's service when this runner started it, and only that process", async () => {
  const context = await testContext(server.url, { yes: true, healthCheck: false });
  try {
    await install(context, { plugins: [{ name: "svc" }] });
    const port = await freePort();
    const started = await runInstalled({
      name: "svc",
      pluginDir: context.pluginDir,
      args: [`--port=${port}`],
      noSandbox: true,
      stdio: "pipe",
    });
    const runDir = join(context.pluginDir, ".finfocus-registry", "run");
    assert.deepEqual(await readdir(runDir), [`svc@${started.child.pid}.json`]);
    // A stale record (its pid now this very process, with another start time) is dropped, never followed.
    await writeFile(
      join(runDir, `svc@${process.pid}.json`),
      JSON.stringify({ name: "svc", version: "1.0.0", pid: process.pid, start: "1", host: hostname() }),
    );
    const result = await remove(context, { name: "svc" });
    assert.deepEqual(result.stopped_pids, [started.child.pid]);
    assert.notEqual(await started.exited, 0, "stopped by a signal");
    assert.deepEqual(await readdir(runDir), []);
    assert.ok(!existsSync(join(context.pluginDir, "svc")));
  } finally {
    await rm(context.tmp, { recursive: true, force: true });
  }
});
