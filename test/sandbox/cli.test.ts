/**
 * `finfocus-registry run` and `doctor` as a user runs them (the real CLI, a plugin installed from a
 * loopback registry): the grant recorded at install is what the sandbox enforces; without a
 * sandbox, sandbox_required refuses; a modified executable is not started.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Manifest, Permission } from "../../core/manifest.types.ts";
import { launchPlugin } from "../../runner/health/launch.ts";
import { layoutFor } from "../../runner/install/layout.ts";
import { install } from "../../runner/ops/install.ts";
import { verifyInstalled } from "../../runner/ops/verify-installed.ts";
import { findTool, probeSandbox } from "../../runner/sandbox/probe.ts";
import { dataDirFor } from "../../runner/sandbox/run-installed.ts";
import { tarGz } from "../runner/helpers/archives.ts";
import { testContext } from "../runner/helpers/context.ts";
import { publish } from "../runner/helpers/registry.ts";
import { type StaticServer, startServer } from "../runner/helpers/server.ts";
import { attempts, NODE, sandboxSkipReason } from "./helpers.ts";

const BIN = join(import.meta.dirname, "../../bin/finfocus-registry.js");
const skip = sandboxSkipReason();
let server: StaticServer;
let ctx: Awaited<ReturnType<typeof testContext>>;

before(async () => {
  server = await startServer();
  ctx = await testContext(server.url, {
    allowPermissions: ["config_read", "network_access", "environment_read", "filesystem_write"],
  });
  const probes = [
    `read:${join(ctx.tmp, "secret.txt")}`,
    "env:AWS_SECRET_ACCESS_KEY",
    `connect:${new URL(server.url).port}`,
  ];
  const archive = async (name: string) => {
    const source = await readFile(new URL("./probe-plugin.ts", import.meta.url), "utf8");
    return tarGz([
      ...(name === "hosted" ? [{ path: "probes.txt", data: `${probes.join("\n")}\n` }] : []),
      {
        path: `finfocus-plugin-${name}`,
        data: `#!/bin/sh\nexec ${NODE} "\${0%/*}/plugin.ts" "$@"\n`,
        mode: 0o755,
      },
      { path: "plugin.ts", data: source },
    ]);
  };
  const spec = async (name: string, permissions: Permission[], required = false) => ({
    name,
    versions: [
      {
        version: "1.0.0",
        archive: await archive(name),
        permissions,
        edit: (m: Manifest) => {
          if (required) m.security = { ...m.security, sandbox_required: true };
        },
      },
    ],
  });
  publish(server, [
    await spec("closed", ["config_read"]),
    await spec("open", ["network_access", "environment_read"]),
    await spec("strict", [], true),
    await spec("hosted", []),
    await spec("graceful", ["filesystem_write"]),
  ]);
  await install(ctx, {
    plugins: [
      { name: "closed" },
      { name: "open" },
      { name: "strict" },
      { name: "hosted" },
      { name: "graceful" },
    ],
  });
  await writeFile(join(ctx.tmp, "secret.txt"), "PRIVATE\n");
});
after(async () => {
  await server?.close();
  if (ctx) await rm(ctx.tmp, { recursive: true, force: true });
});

function cli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, HOME: ctx.tmp, AWS_SECRET_ACCESS_KEY: "s3cr3t", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.once("close", (status) => resolve({ status, stdout, stderr }));
  });
}

test("run enforces the grant recorded at install", { skip }, async () => {
  const probes: string[] = [
    `read:${join(ctx.tmp, "secret.txt")}`,
    "env:AWS_SECRET_ACCESS_KEY",
    `connect:${new URL(server.url).port}`,
  ];
  const closed = await cli(["run", "closed", "--plugin-dir", ctx.pluginDir, "--", ...probes]);
  assert.equal(closed.status, 0, closed.stderr);
  const seenClosed = attempts(closed.stdout);
  for (const probe of probes) assert.equal(seenClosed[probe]?.ok, false, probe);
  const open = await cli(["run", "open", "--plugin-dir", ctx.pluginDir, "--", ...probes]);
  const seenOpen = attempts(open.stdout);
  assert.equal(seenOpen["env:AWS_SECRET_ACCESS_KEY"]?.detail, "s3cr3t");
  assert.equal(seenOpen[probes[2]!]?.ok, true);
  assert.equal(
    seenOpen[probes[0]!]?.ok,
    false,
    "the home folder stays hidden even with network and environment",
  );
});

test("doctor reports the sandbox; without bubblewrap it says what is missing", { skip }, async () => {
  const here = await cli(["doctor", "--format", "json"]);
  assert.equal(here.status, 0);
  assert.equal(JSON.parse(here.stdout).sandbox.available, true);
  const missing = await cli(["doctor", "--format", "json"], { FINFOCUS_BWRAP: join(ctx.tmp, "no-bwrap") });
  assert.equal(missing.status, 1);
  assert.match(JSON.parse(missing.stdout).sandbox.problem, /FINFOCUS_BWRAP/);
});

const SETPRIV = findTool("setpriv");
test("doctor says what limits a whole sandbox: the cgroups found here; as a user who cannot make one, per process only", {
  skip:
    skip ??
    (process.getuid?.() !== 0 || !SETPRIV
      ? "needs root and util-linux's setpriv to run doctor as another user"
      : undefined),
}, async () => {
  const here = await cli(["doctor", "--format", "json"]);
  assert.deepEqual(JSON.parse(here.stdout).sandbox.cgroups, probeSandbox().cgroups);
  const text = await cli(["doctor"]);
  assert.match(text.stdout, /^limits: {5}\S/m);
  const nobody = await new Promise<string>((resolve) => {
    const child = spawn(SETPRIV!, ["--reuid=65534", "--regid=65534", "--clear-groups", NODE, BIN, "doctor"], {
      env: { ...process.env, HOME: ctx.tmp },
    });
    let stdout = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.once("close", () => resolve(stdout));
  });
  assert.match(
    nobody,
    /^limits: {5}processes and threads are NOT limited; memory only per process \(RLIMIT_DATA\)/m,
  );
});

test("without a sandbox: sandbox_required is refused naming what is missing, others warn and run", async () => {
  const env = { FINFOCUS_BWRAP: join(ctx.tmp, "no-bwrap") };
  const strict = await cli(["run", "strict", "--plugin-dir", ctx.pluginDir, "--format", "json"], env);
  assert.equal(strict.status, 1);
  const error = JSON.parse(strict.stdout);
  assert.equal(error.code, "SANDBOX_UNAVAILABLE");
  assert.equal(error.details.reason, "sandbox_required");
  assert.match(error.details.missing, /FINFOCUS_BWRAP/);
  const policy = await cli(
    ["run", "closed", "--require-sandbox", "--plugin-dir", ctx.pluginDir, "--format", "json"],
    env,
  );
  assert.equal(JSON.parse(policy.stdout).details.reason, "require_sandbox");
  const plain = await cli(
    ["run", "closed", "--plugin-dir", ctx.pluginDir, "--", "env:AWS_SECRET_ACCESS_KEY"],
    env,
  );
  assert.equal(plain.status, 0, plain.stderr);
  assert.match(plain.stderr, /^warning: closed runs without a sandbox/m);
  assert.equal(
    attempts(plain.stdout)["env:AWS_SECRET_ACCESS_KEY"]?.ok,
    false,
    "the environment is scrubbed even then",
  );
});

test("a modified executable is not started", async () => {
  const binary = join(ctx.pluginDir, "open", "v1.0.0", "finfocus-plugin-open");
  const original = await readFile(binary);
  await writeFile(binary, `${original}\necho changed\n`);
  try {
    const result = await cli(["run", "open", "--plugin-dir", ctx.pluginDir, "--format", "json"]);
    assert.equal(result.status, 1);
    assert.equal(JSON.parse(result.stdout).code, "PLUGIN_MODIFIED");
  } finally {
    await writeFile(binary, original);
  }
});

test("a plugin the FinFocus CLI starts through the installed launcher is sandboxed the same way", {
  skip,
}, async () => {
  const put = await cli(["launcher", "hosted", "--plugin-dir", ctx.pluginDir, "--format", "json"]);
  assert.equal(put.status, 0, put.stdout + put.stderr);
  const [result] = JSON.parse(put.stdout).launchers;
  const launcher = join(ctx.pluginDir, "hosted", "v1.0.0", "finfocus-plugin-hosted");
  assert.equal(result.launcher, launcher);
  assert.deepEqual(await verifyInstalled(ctx.pluginDir, ["hosted"]), [
    { name: "hosted", version: "1.0.0", ok: true, problems: [] },
  ]);
  // Started as the FinFocus CLI starts it: the binary's path, --port=N, the parent's environment.
  const plugin = await launchPlugin(launcher, {
    env: { AWS_SECRET_ACCESS_KEY: "s3cr3t" },
    timeoutMs: 60_000,
  });
  try {
    const report = await new Promise<string>((resolve, reject) => {
      let text = "";
      connect({ host: "127.0.0.1", port: plugin.port })
        .on("data", (c) => (text += c))
        .on("end", () => resolve(text))
        .on("error", reject);
    });
    const seen = attempts(report);
    assert.equal(Object.keys(seen).length, 3, report);
    for (const [probe, outcome] of Object.entries(seen)) assert.equal(outcome.ok, false, probe);
  } finally {
    await plugin.stop();
  }
  const real = join(ctx.pluginDir, "hosted", "v1.0.0", ".sandboxed-finfocus-plugin-hosted");
  const original = await readFile(real);
  await writeFile(real, `${original}\necho changed\n`);
  try {
    const [check] = await verifyInstalled(ctx.pluginDir, ["hosted"]);
    assert.deepEqual(check?.problems, ["modified: .sandboxed-finfocus-plugin-hosted"]);
    const refused = await cli(["run", "hosted", "--plugin-dir", ctx.pluginDir, "--format", "json"]);
    assert.equal(JSON.parse(refused.stdout).code, "PLUGIN_MODIFIED");
  } finally {
    await writeFile(real, original);
  }
});

test("without a sandbox, a plugin with sandbox_required is refused at install and nothing is installed", async () => {
  const pluginDir = join(ctx.tmp, "other-plugins");
  const args = ["install", "strict", "--registry-url", server.url, "--allow-loopback-http"];
  const refused = await cli([...args, "--plugin-dir", pluginDir, "--yes", "--format", "json"], {
    FINFOCUS_BWRAP: join(ctx.tmp, "no-bwrap"),
  });
  assert.equal(refused.status, 1, refused.stderr);
  const error = JSON.parse(refused.stdout);
  assert.equal(error.code, "SANDBOX_UNAVAILABLE");
  assert.equal(error.details.reason, "sandbox_required");
  await assert.rejects(readFile(join(pluginDir, "strict", "v1.0.0", "finfocus-plugin-strict")), {
    code: "ENOENT",
  });
});

/**
 * Starts `command` in a process group of its own, waits until the plugin reports its handler, then
 * sends SIGTERM to `command`, or SIGINT to the whole group (as a terminal's Ctrl-C does).
 */
function terminated(
  command: string,
  args: string[],
  signal: "SIGTERM" | "SIGINT to the group",
): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, HOME: ctx.tmp }, detached: true });
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    child.stdout.on("data", (c: Buffer) => {
      if (!c.toString().includes("on-sigterm")) return;
      if (signal === "SIGTERM") child.kill("SIGTERM");
      else process.kill(-child.pid!, "SIGINT");
    });
    child.once("close", (status) => resolve({ status, stderr }));
  });
}

test("SIGTERM to the installed launcher, and Ctrl-C to run, reach the plugin; the status is the plugin's", {
  skip,
}, async () => {
  const data = dataDirFor(layoutFor(ctx.pluginDir), "graceful");
  const marker = join(data, "stopped-run");
  const run = await terminated(
    process.execPath,
    [BIN, "run", "graceful", "--plugin-dir", ctx.pluginDir, "--", `on-sigterm:${marker}`],
    "SIGINT to the group",
  );
  assert.equal(run.status, 7, run.stderr);
  assert.equal(await readFile(marker, "utf8"), "stopped cleanly on SIGINT\n");
  const put = await cli(["launcher", "graceful", "--plugin-dir", ctx.pluginDir]);
  assert.equal(put.status, 0, put.stderr);
  const launched = join(data, "stopped-launcher");
  const launcher = join(ctx.pluginDir, "graceful", "v1.0.0", "finfocus-plugin-graceful");
  const viaLauncher = await terminated(launcher, [`on-sigterm:${launched}`], "SIGTERM");
  assert.equal(viaLauncher.status, 7, viaLauncher.stderr);
  assert.equal(await readFile(launched, "utf8"), "stopped cleanly on SIGTERM\n");
});
