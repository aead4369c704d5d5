/**
 * The demo's real plugin end to end, in the layout the FinFocus CLI reads: our runner installs
 * aws-rate-card from the default registry (signed, official), the version folder holds what the
 * CLI's `plugin validate` accepts, `~/.finfocus/config.yaml` lists it, and the plugin, started
 * exactly as the CLI's process launcher starts it, answers Name() and Supports() over gRPC.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import * as tar from "tar";
import { cliPluginManifestProblems } from "../../core/finfocus/cli-plugin-manifest.ts";
import { checkHealth, costSourceService } from "../../runner/health/health.ts";
import { launchPlugin } from "../../runner/health/launch.ts";
import { checkLaunchedHealth } from "../../runner/health/launched-health.ts";
import { unary } from "../../runner/health/services.ts";
import { loadInstalledPlugins } from "../../runner/install/finfocus-config-fs.ts";
import {
  findPluginBinary,
  latestPluginFolder,
  scanPluginFolders,
} from "../../runner/install/finfocus-layout.ts";
import { install } from "../../runner/ops/install.ts";
import { listExternal, listInstalled } from "../../runner/ops/list.ts";
import { remove } from "../../runner/ops/remove.ts";
import { testContext } from "./helpers/context.ts";
import { defaultRegistryReady as ready, repoRoot, serveDefaultRegistry } from "./helpers/default-registry.ts";
import type { StaticServer } from "./helpers/server.ts";

const NAME = "aws-rate-card";
/** Healthy, not Warning, on a loaded machine: the slow threshold is tested in health.test.ts. */
const SLOW = 60_000;
const skip = !ready && "generator, registry/ or demo/artifacts/ not on this branch";
let server: StaticServer;

before(async () => {
  if (!ready) return;
  server = await serveDefaultRegistry();
});
after(async () => {
  if (ready) await server.close();
});

const CONFIG = `# FinFocus settings, kept by hand
output:
    default_format: table # or json
    precision: 2
installed_plugins:
    - name: kubecost # installed by finfocus plugin install
      url: github.com/rshade/finfocus-plugin-kubecost
      version: v0.2.0
`;

test("install → the CLI's layout and config → launched as the CLI does → healthy, Name and Supports answer", {
  skip,
}, async () => {
  const c = await testContext(server.url, { yes: true, artifactMirror: `${server.url}/artifacts/` });
  const configFile = join(c.tmp, "config.yaml");
  assert.equal(c.finfocusConfig, configFile, "<home>/plugins goes with <home>/config.yaml");
  await writeFile(configFile, CONFIG, { mode: 0o600 });
  try {
    const r = await install(c, { plugins: [{ name: NAME }] });
    assert.deepEqual(
      r.installed.map((p) => [p.name, p.version, p.signature_kind]),
      [[NAME, "1.0.0", "key"]],
    );
    assert.deepEqual(r.warnings, []);

    // The version folder, as `finfocus plugin validate` reads it.
    const folder = join(c.pluginDir, NAME, "v1.0.0");
    const cliManifest = await readFile(join(folder, "plugin.manifest.json"), "utf8");
    assert.deepEqual(cliPluginManifestProblems(cliManifest, NAME, "v1.0.0"), []);
    const full = JSON.parse(await readFile(join(folder, "registry.manifest.json"), "utf8"));
    assert.equal(full.security.security_level, "official");
    const binary = await findPluginBinary(folder, NAME);
    assert.equal(binary, join(folder, `finfocus-plugin-${NAME}`));
    assert.equal((await latestPluginFolder(c.pluginDir, NAME))?.path, folder);
    assert.deepEqual(
      (await scanPluginFolders(c.pluginDir)).map((p) => p.path),
      [folder],
      "the CLI's scan finds the plugin and nothing in the runner's own .finfocus-registry",
    );

    // installed_plugins records it; the rest of the file, comments and indentation included, stays.
    const text = await readFile(configFile, "utf8");
    assert.ok(text.startsWith(CONFIG.trimEnd()), text);
    assert.match(text, /default_format: table # or json/);
    assert.deepEqual(await loadInstalledPlugins(configFile), [
      { name: "kubecost", url: "github.com/rshade/finfocus-plugin-kubecost", version: "v0.2.0" },
      { name: NAME, url: "github.com/finfocus/finfocus-plugin-aws-rate-card", version: "v1.0.0" },
    ]);
    const listed = await listExternal(c.pluginDir, configFile);
    assert.deepEqual(
      listed.map((p) => [p.name, p.on_disk]),
      [["kubecost", false]],
      "the CLI's own entry (folder missing here) shows; ours is not listed twice",
    );

    // Started the way the CLI's launcher starts it: path, --port=N, FINFOCUS_PLUGIN_PORT=N.
    const plugin = await launchPlugin(binary!);
    try {
      assert.deepEqual(plugin.args, [`--port=${plugin.port}`]);
      assert.equal(plugin.address, `127.0.0.1:${plugin.port}`, "it listened on the port it was given");
      const health = await checkHealth({ target: plugin.address, slowMs: SLOW, timeoutMs: SLOW / 2 });
      assert.equal(health.status, "Healthy");
      assert.equal(
        health.probe,
        "finfocus.v1.CostSourceService/Name",
        "no grpc.health.v1: Name() is the probe",
      );
      assert.equal(health.plugin_name, NAME);
      const client = new (costSourceService())(plugin.address, grpc.credentials.createInsecure());
      try {
        const deadline = () => Date.now() + 5000;
        const ask = (resource: object) =>
          unary<{ supported: boolean; reason: string }>(client, "Supports", { resource }, deadline());
        assert.equal(
          (await ask({ provider: "aws", resource_type: "ec2", region: "us-east-1" })).supported,
          true,
        );
        assert.equal(
          (await ask({ provider: "aws", resource_type: "aws:ebs/volume:Volume" })).supported,
          true,
        );
        const lambda = await ask({ provider: "aws", resource_type: "lambda" });
        assert.equal(lambda.supported, false);
        assert.match(lambda.reason, /lambda/);
        assert.equal((await ask({ provider: "gcp", resource_type: "compute" })).supported, false);
        await assert.rejects(unary(client, "Nope", {}, deadline()));
      } finally {
        client.close();
      }
    } finally {
      await plugin.stop();
    }

    // `health NAME --launch` starts it inside its sandbox, as `run` would. The demo's 1.0.0 launcher
    // forks (`$(dirname …)`) and its manifest grants no process_spawn, so it cannot start there
    // (docs/sandbox.md, "Child processes"); a demo version with a fork-free launcher fixes that.
    const sandboxed = await checkLaunchedHealth({ name: NAME, pluginDir: c.pluginDir, timeoutMs: SLOW / 2 });
    if (sandboxed.launched.sandbox === "bubblewrap") {
      assert.equal(sandboxed.status, "Critical");
      assert.match(sandboxed.error ?? "", /fork/i);
    }
    // The same in one call, as `health NAME --launch --no-sandbox` does.
    const launched = await checkLaunchedHealth({
      name: NAME,
      pluginDir: c.pluginDir,
      slowMs: SLOW,
      timeoutMs: SLOW / 2,
      noSandbox: true,
    });
    assert.equal(launched.status, "Healthy");
    assert.equal(launched.launched.binary, binary);
    assert.equal(launched.launched.sandbox, "none");

    // Removal takes it out of installed_plugins and leaves the CLI's own entry alone.
    const removed = await remove(c, { name: NAME });
    assert.deepEqual(removed.warnings, []);
    assert.deepEqual(
      (await loadInstalledPlugins(configFile)).map((p) => p.name),
      ["kubecost"],
    );
    assert.match(await readFile(configFile, "utf8"), /# installed by finfocus plugin install/);
  } finally {
    await rm(c.tmp, { recursive: true, force: true });
  }
});

test("the plugin honours the SDK's contract: FINFOCUS_PLUGIN_PORT without a flag, PORT= on stdout", {
  skip,
}, async () => {
  const c = await testContext(server.url, { yes: true, artifactMirror: `${server.url}/artifacts/` });
  try {
    await install(c, { plugins: [{ name: NAME }] });
    const binary = join(c.pluginDir, NAME, "v1.0.0", `finfocus-plugin-${NAME}`);
    const probe = await launchPlugin(binary);
    const port = probe.port;
    await probe.stop();
    const child = spawn(binary, [], { env: { ...process.env, FINFOCUS_PLUGIN_PORT: String(port) } });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d;
          if (out.includes("\n")) resolve(out.split("\n")[0]!);
        });
        child.once("exit", (code) => reject(new Error(`exited ${code}`)));
      });
      assert.equal(line, `PORT=${port}`);
      assert.equal(
        (await checkHealth({ target: `127.0.0.1:${port}`, slowMs: SLOW, timeoutMs: SLOW / 2 })).status,
        "Healthy",
      );
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  } finally {
    await rm(c.tmp, { recursive: true, force: true });
  }
});

test("a plugin the FinFocus installer put in place: our list sees it, health --launch starts it", {
  skip,
}, async () => {
  const c = await testContext(server.url, { yes: true });
  try {
    // What the CLI's installer does: the platform's asset extracted into <plugins>/<name>/<tag>/,
    // and { name, url, version } appended to installed_plugins.
    const asset = join(repoRoot, "demo/artifacts", `${NAME}_1.0.0_linux_arm64.tar.gz`);
    const folder = join(c.pluginDir, NAME, "v1.0.0");
    await mkdir(folder, { recursive: true });
    await tar.x({ file: asset, cwd: folder });
    await writeFile(
      join(c.tmp, "config.yaml"),
      `installed_plugins:\n    - name: ${NAME}\n      url: github.com/finfocus/finfocus-plugin-aws-rate-card\n      version: v1.0.0\n`,
    );
    assert.deepEqual(await listInstalled(c.pluginDir), [], "not installed by this runner");
    const external = await listExternal(c.pluginDir, c.finfocusConfig);
    assert.deepEqual(
      external.map((p) => [p.name, p.version, p.url, p.binary && basename(p.binary), p.on_disk]),
      [
        [
          NAME,
          "v1.0.0",
          "github.com/finfocus/finfocus-plugin-aws-rate-card",
          `finfocus-plugin-${NAME}`,
          true,
        ],
      ],
    );
    // Not installed by this runner: nothing approved, and the demo's launcher forks (see above).
    const health = await checkLaunchedHealth({
      name: NAME,
      pluginDir: c.pluginDir,
      slowMs: SLOW,
      timeoutMs: SLOW / 2,
      noSandbox: true,
    });
    assert.equal(health.status, "Healthy");
    assert.equal(health.plugin_name, NAME);
  } finally {
    await rm(c.tmp, { recursive: true, force: true });
  }
});

test("CLI, the demo's path: install, health --launch, list (black box)", { skip }, async () => {
  const home = await mkdtemp(join(tmpdir(), "ffr-cli-finfocus-"));
  const bin = join(repoRoot, "bin/finfocus-registry.js");
  const common = [
    "--registry-url",
    server.url,
    "--allow-loopback-http",
    "--artifact-mirror",
    `${server.url}/artifacts/`,
    "--plugin-dir",
    join(home, ".finfocus", "plugins"),
    "--cache-dir",
    join(home, "cache"),
    "--format",
    "json",
  ];
  const run = (...args: string[]) =>
    new Promise<{ code: number | null; json: Record<string, unknown>; err: string }>((resolve) => {
      const p = spawn(process.execPath, [bin, ...args, ...common], { env: { ...process.env, HOME: home } });
      let out = "";
      let err = "";
      p.stdout.on("data", (d) => {
        out += d;
      });
      p.stderr.on("data", (d) => {
        err += d;
      });
      p.on("close", (code) => resolve({ code, json: out ? JSON.parse(out) : {}, err }));
    });
  try {
    const installed = await run("install", NAME, "--yes");
    assert.equal(installed.code, 0, installed.err);
    const health = await run(
      "health",
      NAME,
      "--launch",
      "--no-sandbox", // the demo's 1.0.0 launcher forks: see the first test
      "--slow",
      String(SLOW),
      "--timeout",
      String(SLOW / 2),
    );
    assert.equal(health.code, 0, health.err);
    assert.equal(health.json.status, "Healthy");
    assert.equal(health.json.probe, "finfocus.v1.CostSourceService/Name");
    const noPort = await run("health", NAME);
    assert.equal(noPort.code, 2, "no fixed port in the manifest: HOST:PORT or --launch");
    const list = await run("list");
    assert.equal(list.code, 0, list.err);
    assert.deepEqual(
      (list.json.plugins as { name: string }[]).map((p) => p.name),
      [NAME],
    );
    assert.deepEqual(list.json.external, []);
    const config = await readFile(join(home, ".finfocus", "config.yaml"), "utf8");
    assert.match(
      config,
      new RegExp(
        `name: ${NAME}\\n\\s+url: github.com/finfocus/finfocus-plugin-${NAME}\\n\\s+version: v1.0.0`,
      ),
    );
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
