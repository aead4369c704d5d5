/**
 * The health check starts a plugin's code under the same decision as `run`: an install with
 * `--health-check`, an update's check and `health --launch` start it inside the bubblewrap sandbox
 * its granted permissions allow (the host still reaches its port), so it cannot write outside its
 * folder or read the home folder, yet a well-behaved service passes; where core refuses (a
 * `sandbox_required` plugin on a machine without a sandbox) nothing starts and nothing is committed.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Manifest, Permission } from "../../core/manifest.types.ts";
import { isRunnerError } from "../../runner/errors.ts";
import { checkFolderHealth, checkLaunchedHealth } from "../../runner/health/launched-health.ts";
import { layoutFor } from "../../runner/install/layout.ts";
import { install } from "../../runner/ops/install.ts";
import { update } from "../../runner/ops/update.ts";
import { dataDirFor } from "../../runner/sandbox/grant.ts";
import { probeSandbox } from "../../runner/sandbox/probe.ts";
import { serviceFiles, tarGz } from "../runner/helpers/archives.ts";
import { testContext } from "../runner/helpers/context.ts";
import { publish } from "../runner/helpers/registry.ts";
import { type StaticServer, startServer } from "../runner/helpers/server.ts";
import { sandboxSkipReason } from "./helpers.ts";

const BIN = join(import.meta.dirname, "../../bin/finfocus-registry.js");
const skip = sandboxSkipReason();
let server: StaticServer;
let ctx: Awaited<ReturnType<typeof testContext>>;
/** A loopback server outside any sandbox that keeps what plugins report to it. */
let collector: { server: Server; port: number; reports: string[] };
let secret: string;
let escaped: string;

const withPort = (m: Manifest) => {
  m.specification.service_definition.port = 50997;
};

before(async () => {
  server = await startServer();
  ctx = await testContext(server.url, {
    yes: true,
    healthCheck: true,
    allowPermissions: ["network_access", "filesystem_write"],
  });
  const home = join(ctx.tmp, "home");
  await mkdir(join(home, ".ssh"), { recursive: true });
  secret = join(home, ".ssh", "id_ed25519");
  await writeFile(secret, "PRIVATE KEY\n");
  escaped = join(ctx.tmp, "escaped.txt");
  const reports: string[] = [];
  const listener = createServer((socket) => {
    let text = "";
    socket.on("data", (c) => (text += c)).on("end", () => reports.push(text));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  const address = listener.address();
  if (typeof address !== "object" || address === null) throw new Error("no port");
  collector = { server: listener, port: address.port, reports };
  const data = (name: string) => join(dataDirFor(layoutFor(ctx.pluginDir), name), "note.txt");
  // Each serves its health check and, before that, tries what its manifest does not permit.
  const attempts = (name: string) => [
    "SERVING",
    `write:${escaped}`,
    `read:${secret}`,
    `write:${data(name)}`,
    `report:${collector.port}`,
  ];
  const version = (v: string, name: string, permissions: Permission[], required = false) => ({
    version: v,
    archive: tarGz(serviceFiles(name, attempts(name))),
    permissions,
    edit: (m: Manifest) => {
      withPort(m);
      if (required) m.security = { ...m.security, sandbox_required: true };
    },
  });
  publish(server, [
    // No network of its own: the host reaches its port through the relay; nothing else gets out.
    { name: "closed", versions: [version("1.0.0", "closed", []), version("1.0.1", "closed", [])] },
    // The machine's network and its data folder, read-write: those doors open, no other.
    { name: "granted", versions: [version("1.0.0", "granted", ["network_access", "filesystem_write"])] },
    { name: "strict", versions: [version("1.0.0", "strict", [], true)] },
  ]);
});
after(async () => {
  await server?.close();
  await new Promise((resolve) => collector?.server.close(resolve));
  if (ctx) await rm(ctx.tmp, { recursive: true, force: true });
});

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

test("install --health-check starts the plugin in its sandbox: it passes, and cannot write outside or read the home folder", {
  skip,
}, async () => {
  const result = await install(ctx, {
    plugins: [{ name: "closed", constraint: "1.0.0" }, { name: "granted" }, { name: "strict" }],
  });
  assert.deepEqual(
    result.health.map((h) => [h.name, h.status, h.sandbox]),
    [
      ["closed", "Healthy", "bubblewrap"],
      ["granted", "Healthy", "bubblewrap"],
      ["strict", "Healthy", "bubblewrap"],
    ],
  );
  assert.equal(await exists(escaped), false, "no file written outside the plugin's folder");
  // Only the plugin granted network_access reached the collector; what it saw is its report.
  assert.equal(collector.reports.length, 1, collector.reports.join("\n"));
  const report = collector.reports[0]!;
  assert.match(report, new RegExp(`write:${escaped} refused (ENOENT|EROFS)`));
  assert.match(report, new RegExp(`read:${secret} refused ENOENT`));
  assert.match(report, /write:.*granted\/note\.txt ok/, "filesystem_write opens its data folder");
  assert.equal(
    await readFile(join(dataDirFor(layoutFor(ctx.pluginDir), "granted"), "note.txt"), "utf8"),
    "written by the plugin\n",
  );
  assert.equal(await exists(join(dataDirFor(layoutFor(ctx.pluginDir), "closed"), "note.txt")), false);
});

test("an update's health check and health --launch run the plugin in its sandbox too", { skip }, async () => {
  const [updated] = await update(ctx, { names: ["closed"], targetVersion: "1.0.1" });
  assert.equal(updated?.status, "updated");
  assert.equal(await exists(escaped), false);
  const launched = await checkLaunchedHealth({ name: "granted", pluginDir: ctx.pluginDir });
  assert.equal(launched.status, "Healthy");
  assert.equal(launched.launched.sandbox, "bubblewrap");
  assert.equal(launched.warning, undefined);
  assert.equal(await exists(escaped), false);
  assert.match(collector.reports.at(-1) ?? "", new RegExp(`read:${secret} refused ENOENT`));
});

test("health --launch does not start an executable changed since its install (as run does not)", {
  skip,
}, async () => {
  const binary = join(ctx.pluginDir, "granted", "v1.0.0", "finfocus-plugin-granted");
  const original = await readFile(binary);
  const reports = collector.reports.length;
  await writeFile(binary, `${original}\necho changed\n`);
  try {
    await assert.rejects(checkLaunchedHealth({ name: "granted", pluginDir: ctx.pluginDir }), (e) => {
      assert.ok(isRunnerError(e, "PLUGIN_MODIFIED"), String(e));
      assert.equal(e.details.file, binary);
      return true;
    });
    assert.equal(collector.reports.length, reports, "the plugin never ran");
  } finally {
    await writeFile(binary, original);
  }
  // Restored to its installed bytes, it starts again.
  assert.equal((await checkLaunchedHealth({ name: "granted", pluginDir: ctx.pluginDir })).status, "Healthy");
});

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, HOME: ctx.tmp, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.once("close", (status) => resolve({ status, stdout, stderr }));
  });
}

test("without a sandbox: a sandbox_required plugin is not started for a check and nothing is committed; others run, said to be unsandboxed", async () => {
  const noSandbox = { FINFOCUS_BWRAP: join(ctx.tmp, "no-bwrap") };
  const pluginDir = join(ctx.tmp, "bare-plugins");
  const common = ["--registry-url", server.url, "--allow-loopback-http", "--plugin-dir", pluginDir, "--yes"];
  const refused = await cli(
    ["install", "strict", "--health-check", ...common, "--format", "json"],
    noSandbox,
  );
  assert.equal(refused.status, 1, refused.stderr);
  assert.equal(JSON.parse(refused.stdout).code, "SANDBOX_UNAVAILABLE");
  await assert.rejects(stat(join(pluginDir, "strict")), { code: "ENOENT" });
  assert.equal(await exists(escaped), false, "the plugin never ran");

  // The check itself makes the same decision, for a folder already in place (health --launch, the
  // daemon's monitor, a staged version): refused before anything starts.
  const support = { namespaces: false, problem: "bubblewrap (`bwrap`) is not installed" };
  const strictDir = join(ctx.tmp, "strict-folder");
  await mkdir(strictDir, { recursive: true });
  for (const file of serviceFiles("strict", ["SERVING", `write:${escaped}`]))
    await writeFile(join(strictDir, file.path), file.data ?? "", { mode: file.mode ?? 0o644 });
  const grant = {
    name: "strict",
    permissions: [],
    security_level: "community" as const,
    sandbox_required: true,
  };
  await assert.rejects(
    checkFolderHealth(grant, strictDir, join(strictDir, "finfocus-plugin-strict"), { pluginDir, support }),
    (e) => {
      assert.ok(isRunnerError(e, "SANDBOX_UNAVAILABLE"), String(e));
      assert.equal(e.details.reason, "sandbox_required");
      return true;
    },
  );
  assert.equal(await exists(escaped), false, "refused before it started");

  // Not required: it runs as before, and the result says its permissions were not enforced.
  const plain = await checkFolderHealth(
    { ...grant, sandbox_required: false, name: "closed" },
    strictDir,
    join(strictDir, "finfocus-plugin-strict"),
    { pluginDir, support },
  );
  assert.equal(plain.status, "Healthy");
  assert.equal(plain.launched.sandbox, "none");
  assert.match(plain.warning ?? "", /closed runs without a sandbox, its permissions are not enforced/);
  await rm(escaped, { force: true });
  const installed = await cli(
    ["install", "closed", "--health-check", ...common, "--format", "json"],
    noSandbox,
  );
  assert.equal(installed.status, 0, installed.stderr);
  assert.deepEqual(
    JSON.parse(installed.stdout).health.map((h: { status: string; sandbox: string }) => [
      h.status,
      h.sandbox,
    ]),
    [["Healthy", "none"]],
  );
  assert.match(installed.stderr, /closed runs without a sandbox/);
  const launched = await cli(
    ["health", "closed", "--launch", "--plugin-dir", pluginDir, "--format", "json"],
    noSandbox,
  );
  assert.equal(launched.status, 0, launched.stderr);
  assert.equal(JSON.parse(launched.stdout).launched.sandbox, "none");
  assert.match(launched.stderr, /^warning: closed runs without a sandbox/m);
  if (!skip) {
    // Installed where the sandbox was (the first test); the sandbox is gone now: not started, even
    // when asked to run it unsandboxed.
    for (const extra of [[], ["--no-sandbox"]]) {
      const args = [
        "health",
        "strict",
        "--launch",
        ...extra,
        "--plugin-dir",
        ctx.pluginDir,
        "--format",
        "json",
      ];
      const strict = await cli(args, extra.length ? {} : noSandbox);
      assert.equal(strict.status, 1, strict.stderr);
      assert.equal(JSON.parse(strict.stdout).code, "SANDBOX_UNAVAILABLE");
    }
  }
  await rm(escaped, { force: true });
  assert.ok(probeSandbox(), "the in-process probe is untouched");
});
