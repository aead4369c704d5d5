/**
 * `finfocus-registry daemon` as a process: it listens on its default socket under the plugin
 * folder, answers a client of the specification's proto, records health that `health --watch`
 * shows, and stops cleanly on SIGTERM. `approve` keeps grants in the approvals file.
 */
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { install } from "../../runner/index.ts";
import { testContext } from "../runner/helpers/context.ts";
import { publish } from "../runner/helpers/registry.ts";
import { type StaticServer, startServer } from "../runner/helpers/server.ts";
import { registryClient, startHealthPlugin } from "./helpers/client.ts";

const CLI = join(import.meta.dirname, "../../bin/finfocus-registry.js");
const run = promisify(execFile);

let http: StaticServer;
let context: Awaited<ReturnType<typeof testContext>>;
let plugin: Awaited<ReturnType<typeof startHealthPlugin>>;

before(async () => {
  http = await startServer();
  context = await testContext(http.url);
  plugin = await startHealthPlugin(join(context.tmp, "control.json"));
  publish(http, [
    {
      name: "svc",
      versions: [
        {
          version: "1.0.0",
          edit: (m) => {
            m.specification.service_definition.port = plugin.port;
          },
        },
      ],
    },
  ]);
  await install(context, { plugins: [{ name: "svc" }] });
});

after(async () => {
  await plugin.stop();
  await http.close();
  await rm(context.tmp, { recursive: true, force: true });
});

test("daemon: default socket 0600, serves the RPCs, health --watch shows its checks, SIGTERM stops it with status 0", async () => {
  const common = ["--plugin-dir", context.pluginDir, "--cache-dir", join(context.tmp, "cli-cache")];
  const child = spawn(
    process.execPath,
    [
      CLI,
      "daemon",
      ...common,
      "--registry-url",
      http.url,
      "--allow-loopback-http",
      "--health-interval",
      "0.2",
      "--format",
      "json",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  try {
    const listening = await new Promise<{ address: string }>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.trimEnd().endsWith("}")) resolve(JSON.parse(out));
      });
      void exited.then((code) => reject(new Error(`daemon exited with ${code}`)));
    });
    const socket = join(context.pluginDir, ".finfocus-registry", "daemon.sock");
    assert.equal(listening.address, `unix:${socket}`);
    assert.equal((await stat(socket)).mode & 0o777, 0o600);

    const client = registryClient(listening.address);
    try {
      const found = await client.call.DiscoverPlugins!({ include_installed: true });
      assert.deepEqual(
        found.plugins.map((p: { name: string }) => p.name),
        ["svc"],
      );
    } finally {
      client.close();
    }
    let watched: { plugins: { plugin: string; state: string; checks: number }[] } = { plugins: [] };
    for (let i = 0; i < 50 && (watched.plugins[0]?.checks ?? 0) < 2; i++) {
      // Exit 1 while a plugin is still Unknown (no checks yet): its screen is printed all the same.
      const { stdout } = await run(process.execPath, [
        CLI,
        "health",
        "--watch",
        "--count",
        "1",
        "--format",
        "json",
        ...common,
      ]).catch((e: { code: number; stdout: string }) => {
        assert.equal(e.code, 1);
        return e;
      });
      watched = JSON.parse(stdout);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(
      watched.plugins.map((h) => [h.plugin, h.state]),
      [["svc", "Healthy"]],
    );
    const text = await run(process.execPath, [CLI, "health", "--watch", "--count", "1", ...common]);
    assert.match(text.stdout, /^PLUGIN\s+STATE/);
    assert.match(text.stdout, /\nsvc\s+Healthy /);
  } finally {
    child.kill("SIGTERM");
  }
  assert.equal(await exited, 0);
});

test("approve: grants kept 0600 in the approvals file, revoked, unknown grants refused", async () => {
  const common = ["--plugin-dir", context.pluginDir, "--format", "json"];
  const granted = await run(process.execPath, [
    CLI,
    "approve",
    "svc",
    "network_access",
    "untrusted",
    ...common,
  ]);
  assert.deepEqual(JSON.parse(granted.stdout).granted, ["network_access", "untrusted"]);
  const file = join(context.pluginDir, ".finfocus-registry", "approvals.json");
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(await readFile(file, "utf8")).approvals, {
    svc: ["network_access", "untrusted"],
  });
  const revoked = await run(process.execPath, [CLI, "approve", "svc", "untrusted", "--revoke", ...common]);
  assert.deepEqual(JSON.parse(revoked.stdout).granted, ["network_access"]);
  const refused = await run(process.execPath, [CLI, "approve", "svc", "root", ...common]).then(
    () => assert.fail("accepted an unknown grant"),
    (e: { code: number; stdout: string }) => e,
  );
  assert.equal(refused.code, 2);
  assert.equal(JSON.parse(refused.stdout).code, "USAGE");
});

test("health --watch without a daemon's history: a usage error naming the file", async () => {
  const empty = join(context.tmp, "empty-plugins");
  const refused = await run(process.execPath, [
    CLI,
    "health",
    "--watch",
    "--count",
    "1",
    "--format",
    "json",
    "--plugin-dir",
    empty,
  ]).then(
    () => assert.fail("watched nothing"),
    (e: { code: number; stdout: string }) => e,
  );
  assert.equal(refused.code, 2);
  assert.equal(JSON.parse(refused.stdout).details.file, join(empty, ".finfocus-registry", "health.sqlite"));
});

test("approve: a key that is no plugin name is refused and the file stays usable; runs at once lose nothing", async () => {
  const dir = join(context.tmp, "approve-race");
  const common = ["--plugin-dir", dir, "--format", "json"];
  for (const name of ["__proto__", "constructor", "../x"]) {
    const refused = await run(process.execPath, [CLI, "approve", name, "network_access", ...common]).then(
      () => assert.fail(`accepted ${name}`),
      (e: { code: number; stdout: string }) => e,
    );
    assert.equal(refused.code, 2, name);
    assert.equal(JSON.parse(refused.stdout).code, "USAGE", name);
  }
  await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      run(process.execPath, [CLI, "approve", `plug-${i}`, "network_access", ...common]),
    ),
  );
  const file = join(dir, ".finfocus-registry", "approvals.json");
  assert.deepEqual(
    Object.keys(JSON.parse(await readFile(file, "utf8")).approvals).sort(),
    Array.from({ length: 6 }, (_, i) => `plug-${i}`),
  );
});
