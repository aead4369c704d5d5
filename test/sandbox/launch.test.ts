/**
 * Plugins started inside a real bubblewrap sandbox (runner/sandbox/), from policies decided by
 * core/permissions/: what a plugin without a permission is refused, and that the permission opens it.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { decideEnforcement } from "../../core/permissions/enforcement.ts";
import type { PluginGrant } from "../../core/permissions/sandbox-policy.types.ts";
import { startSandboxed } from "../../runner/sandbox/launch.ts";
import { probeSandbox } from "../../runner/sandbox/probe.ts";
import { attempts, loopbackServer, NODE, type PluginHome, pluginHome, sandboxSkipReason } from "./helpers.ts";

const skip = sandboxSkipReason();
let home: PluginHome;
let outside: Awaited<ReturnType<typeof loopbackServer>>;
before(async () => {
  home = await pluginHome();
  outside = await loopbackServer();
});
after(async () => {
  outside?.server.close();
  if (home) await rm(home.root, { recursive: true, force: true });
});

async function run(
  grant: Partial<PluginGrant>,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  configFile?: string,
) {
  const enforcement = decideEnforcement(
    { name: "probe", permissions: [], security_level: "community", ...grant },
    probeSandbox(),
  );
  assert.notEqual(enforcement.mode, "refuse");
  if (enforcement.mode === "refuse") throw new Error("refused");
  const started = await startSandboxed({
    command: home.binary,
    args,
    enforcement,
    support: probeSandbox(),
    paths: {
      pluginPath: home.pluginPath,
      dataDir: home.dataDir,
      runtime: [NODE],
      ...(configFile ? { configFile } : {}),
    },
    env,
    stdio: "pipe",
  });
  let stdout = "";
  let stderr = "";
  started.child.stdout?.on("data", (c: Buffer) => (stdout += c));
  started.child.stderr?.on("data", (c: Buffer) => (stderr += c));
  const status = await started.exited;
  return { status, stderr, seen: attempts(stdout), argv: started.argv };
}

test("without network_access a plugin cannot reach a loopback server outside its namespace; with it, it can", {
  skip,
}, async () => {
  const target = `connect:${outside.port}`;
  const closed = await run({}, [target]);
  assert.equal(closed.seen[target]?.ok, false, closed.stderr);
  assert.ok(closed.argv.includes("--unshare-net"));
  const open = await run({ permissions: ["network_access"] }, [target]);
  assert.equal(open.seen[target]?.ok, true, open.stderr);
});

test("a secret in the user's home is invisible, whatever the plugin was granted", { skip }, async () => {
  const target = `read:${home.secret}`;
  for (const permissions of [[], ["filesystem_read", "filesystem_write", "environment_read"]]) {
    const result = await run({ permissions }, [target, "read:/etc/shadow"]);
    assert.equal(result.seen[target]?.ok, false, result.stderr);
    assert.equal(result.seen[target]?.detail, "ENOENT");
    assert.equal(result.seen["read:/etc/shadow"]?.ok, false);
  }
});

test("writes: only the data folder, only with filesystem_write; the plugin's folder stays read-only", {
  skip,
}, async () => {
  const data = join(home.dataDir, "cache.txt");
  const own = join(home.pluginPath, "dropped.txt");
  const homeFile = join(home.home, "dropped.txt");
  const args = [`write:${data}`, `write:${own}`, `write:${homeFile}`, "write:/usr/dropped.txt"];
  const none = await run({}, args);
  assert.equal(none.seen[`write:${data}`]?.ok, false);
  const readOnly = await run({ permissions: ["filesystem_read"] }, [...args, `read:${home.dataDir}/seed`]);
  assert.equal(readOnly.seen[`write:${data}`]?.detail, "EROFS");
  const granted = await run({ permissions: ["filesystem_write"] }, args);
  assert.equal(granted.seen[`write:${data}`]?.ok, true, granted.stderr);
  assert.equal(await readFile(data, "utf8"), "written by the plugin");
  for (const result of [none, readOnly, granted]) {
    assert.equal(result.seen[`write:${own}`]?.ok, false);
    assert.equal(result.seen[`write:${homeFile}`]?.ok, false);
    assert.equal(result.seen["write:/usr/dropped.txt"]?.ok, false);
  }
  await assert.rejects(readFile(own), { code: "ENOENT" });
  await assert.rejects(readFile(homeFile), { code: "ENOENT" });
});

test("whatever is granted, the kernel's settings and /dev stay read-only; /tmp is bounded", {
  skip,
}, async () => {
  // A sysctl that refuses this text as a value: were /proc/sys writable the write would fail with
  // EINVAL and change nothing; read-only it is EROFS. (Root in the sandbox keeps uid 0.)
  const probes = ["write:/proc/sys/vm/swappiness", "write:/dev/shm/x", "write:/dev/x"];
  const all = await run({ permissions: ["filesystem_write", "temp_files", "process_spawn"] }, probes);
  for (const probe of probes)
    assert.equal(all.seen[probe]?.detail, "EROFS", `${probe}: ${JSON.stringify(all.seen[probe])}`);
  const size = all.argv.indexOf("--size");
  assert.ok(size > 0 && all.argv[size + 2] === "--tmpfs", all.argv.join(" "));
});

test("temp_files gives a private writable /tmp; without it there is none", { skip }, async () => {
  const without = await run({}, ["write:/tmp/x"]);
  assert.equal(without.seen["write:/tmp/x"]?.ok, false);
  const granted = await run({ permissions: ["temp_files"] }, ["write:/tmp/x"]);
  assert.equal(granted.seen["write:/tmp/x"]?.ok, true, granted.stderr);
});

test("environment variables do not leak without environment_read", { skip }, async () => {
  const env = { ...process.env, AWS_SECRET_ACCESS_KEY: "s3cr3t", FINFOCUS_PLUGIN_PORT: "4242" };
  const args = ["env:AWS_SECRET_ACCESS_KEY", "env:FINFOCUS_PLUGIN_PORT", "env:HOME"];
  const closed = await run({}, args, env);
  assert.equal(closed.seen["env:AWS_SECRET_ACCESS_KEY"]?.ok, false);
  assert.equal(closed.seen["env:FINFOCUS_PLUGIN_PORT"]?.detail, "4242");
  assert.equal(closed.seen["env:HOME"]?.detail, home.pluginPath);
  const open = await run({ permissions: ["environment_read"] }, args, env);
  assert.equal(open.seen["env:AWS_SECRET_ACCESS_KEY"]?.detail, "s3cr3t");
});

test("untrusted plugins get the tightest profile whatever they declared", { skip }, async () => {
  const target = `connect:${outside.port}`;
  const result = await run(
    { security_level: "untrusted", permissions: ["network_access", "environment_read"] },
    [target, "env:AWS_SECRET_ACCESS_KEY"],
    { ...process.env, AWS_SECRET_ACCESS_KEY: "s3cr3t" },
  );
  assert.equal(result.seen[target]?.ok, false);
  assert.equal(result.seen["env:AWS_SECRET_ACCESS_KEY"]?.ok, false);
});

test("a memory limit stops an allocation bomb", { skip }, async () => {
  const small = await run({ min_memory_mb: 64 }, ["alloc:128"]);
  assert.equal(small.seen["alloc:128"]?.ok, true, small.stderr);
  const bomb = await run({ min_memory_mb: 64 }, ["alloc:2048"]);
  assert.notEqual(bomb.seen["alloc:2048"]?.ok, true);
  assert.ok(bomb.argv.includes(`--data=${1024 * 1024 * 1024}`));
});

test("the host reaches a plugin without network_access on its port, through the relay", {
  skip,
}, async () => {
  const port = await loopbackServer().then(
    ({ server, port }) => new Promise<number>((r) => server.close(() => r(port))),
  );
  const enforcement = decideEnforcement(
    { name: "probe", permissions: [], security_level: "community" },
    probeSandbox(),
  );
  if (enforcement.mode === "refuse") throw new Error("refused");
  const started = await startSandboxed({
    command: home.binary,
    args: [`--port=${port}`],
    enforcement,
    support: probeSandbox(),
    paths: { pluginPath: home.pluginPath, dataDir: home.dataDir, runtime: [NODE] },
    port,
    stdio: "pipe",
  });
  try {
    await started.ready;
    const answer = await new Promise<string>((resolve, reject) => {
      let text = "";
      connect({ host: "127.0.0.1", port })
        .on("data", (c) => (text += c))
        .on("end", () => resolve(text))
        .on("error", reject);
    });
    assert.equal(answer, "hello from the plugin\n");
  } finally {
    await started.stop();
  }
});

test("the relay carries large transfers both ways on several connections at once", {
  skip,
}, async () => {
  const port = await loopbackServer().then(
    ({ server, port }) => new Promise<number>((r) => server.close(() => r(port))),
  );
  const enforcement = decideEnforcement(
    { name: "probe", permissions: [], security_level: "community" },
    probeSandbox(),
  );
  if (enforcement.mode === "refuse") throw new Error("refused");
  const started = await startSandboxed({
    command: home.binary,
    args: ["--echo", `--port=${port}`],
    enforcement,
    support: probeSandbox(),
    paths: { pluginPath: home.pluginPath, dataDir: home.dataDir, runtime: [NODE] },
    port,
    stdio: "pipe",
  });
  try {
    await started.ready;
    const echo = (payload: Buffer) =>
      new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        const socket = connect({ host: "127.0.0.1", port })
          .on("data", (c: Buffer) => chunks.push(c))
          .on("end", () => resolve(Buffer.concat(chunks)))
          .on("error", reject);
        socket.end(payload);
      });
    const payloads = [1, 2, 3, 4].map((n) => randomBytes(n * 1024 * 1024 + n));
    const answers = await Promise.all(payloads.map(echo));
    for (const [i, answer] of answers.entries()) {
      assert.ok(answer.equals(payloads[i]!), `connection ${i} echoed its ${payloads[i]?.length} bytes`);
    }
  } finally {
    await started.stop();
  }
});

test("without process_spawn a plugin cannot start a child process; with it, it can", { skip }, async () => {
  const closed = await run({}, ["spawn:/bin/true"]);
  assert.equal(closed.status, 0, closed.stderr);
  assert.equal(closed.seen["spawn:/bin/true"]?.ok, false);
  assert.match(closed.seen["spawn:/bin/true"]?.detail ?? "", /^(EPERM|ENOSYS|EAGAIN)$/);
  assert.ok(closed.argv.includes("--seccomp"));
  const open = await run({ permissions: ["process_spawn"] }, ["spawn:/bin/true"]);
  assert.equal(open.seen["spawn:/bin/true"]?.ok, true, open.stderr);
  assert.ok(!open.argv.includes("--seccomp"));
});

test("config_read shows the plugin's configuration read-only; without it, it is hidden", {
  skip,
}, async () => {
  const config = join(home.pluginDir, ".finfocus-registry", "config", "probe.json");
  await mkdir(join(home.pluginDir, ".finfocus-registry", "config"), { recursive: true });
  await writeFile(config, '{"region":"eu-west-1"}\n');
  const hidden = await run({}, [`read:${config}`], process.env, config);
  assert.equal(hidden.seen[`read:${config}`]?.detail, "ENOENT");
  const shown = await run(
    { permissions: ["config_read"] },
    [`read:${config}`, `write:${config}`],
    process.env,
    config,
  );
  assert.equal(shown.seen[`read:${config}`]?.detail, '{"region":"eu-west-1"}\n');
  assert.equal(shown.seen[`write:${config}`]?.ok, false);
});
