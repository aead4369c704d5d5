import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

const bin = fileURLToPath(new URL("../../bin/finfocus-registry.js", import.meta.url));
let server: StaticServer;
let tmp: string;
before(async () => {
  server = await startServer();
  tmp = await mkdtemp(join(tmpdir(), "ffr-cli-"));
  publish(server, [
    { name: "app", versions: [{ version: "1.0.0", deps: [{ name: "lib", version_constraint: "^1.0.0" }] }] },
    { name: "lib", versions: [{ version: "1.0.0" }, { version: "1.0.1" }] },
    { name: "mirrored", versions: [{ version: "1.0.0" }] },
    {
      name: "cfg",
      versions: [
        {
          version: "1.0.0",
          edit: (m) => {
            m.configuration = {
              schema: JSON.stringify({
                type: "object",
                properties: {
                  region: { type: "string" },
                  api_token: { type: "string" },
                  timeout: { type: "integer" },
                },
              }),
              default_config: JSON.stringify({ region: "us-east-1", timeout: 30 }),
              required_fields: ["api_token"],
              examples: [{ name: "basic", description: "d", config: '{"api_token":"…"}' }],
            };
          },
        },
      ],
    },
  ]);
});
after(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const common = [
    "--registry-url",
    server.url,
    "--allow-loopback-http",
    "--plugin-dir",
    join(tmp, "plugins"),
    "--cache-dir",
    join(tmp, "cache"),
  ];
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args, ...common], {
      env: { ...process.env, HOME: tmp, NO_COLOR: "1" },
    });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => {
      stdout += d;
    });
    p.stderr.on("data", (d) => {
      stderr += d;
    });
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

test("CLI: search, info, install with dependencies, list, update, remove (black box)", async () => {
  const search = await cli("search", "lib", "--format", "json");
  assert.equal(search.code, 0, search.stderr);
  assert.deepEqual(
    JSON.parse(search.stdout).plugins.map((p: { name: string }) => p.name),
    ["lib"],
  );
  const info = await cli("info", "lib");
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /versions: 1\.0\.0, 1\.0\.1/);
  const installed = await cli("install", "app", "lib@1.0.0", "--format", "json");
  assert.equal(installed.code, 0, installed.stderr + installed.stdout);
  assert.deepEqual(
    JSON.parse(installed.stdout).installed.map(
      (p: { name: string; version: string }) => `${p.name}@${p.version}`,
    ),
    ["lib@1.0.0", "app@1.0.0"],
  );
  const list = await cli("list");
  assert.match(list.stdout, /^NAME\s+VERSION\s+TRUST\s+PATH\n/, "a header row names the columns");
  assert.match(list.stdout, /^app\s+1\.0\.0/m);
  const refused = await cli("remove", "lib", "--format", "json");
  assert.equal(refused.code, 1);
  assert.equal(JSON.parse(refused.stdout).code, "PLUGIN_HAS_DEPENDENTS");
  const updated = await cli("update", "lib");
  assert.equal(updated.code, 0, updated.stderr);
  assert.match(updated.stdout, /updated lib 1\.0\.0 → 1\.0\.1/);
  const downgrade = await cli("update", "lib@1.0.0");
  assert.equal(downgrade.code, 1);
  assert.match(downgrade.stderr, /DOWNGRADE_REFUSED/);
  assert.equal((await cli("remove", "app")).code, 0);
});

test("CLI: errors use the spec's codes and documented exit statuses", async () => {
  const missing = await cli("install", "lib@^9.0.0", "--format", "json");
  assert.equal(missing.code, 1);
  const body = JSON.parse(missing.stdout);
  assert.equal(body.code, "PLUGIN_NOT_FOUND");
  assert.deepEqual(body.details.available_versions, ["1.0.0", "1.0.1"]);
  const usage = await cli("install");
  assert.equal(usage.code, 2);
  const badFlag = await cli("install", "lib", "--frobnicate");
  assert.equal(badFlag.code, 2);
  const https = await new Promise<number | null>((resolve) => {
    const p = spawn(
      process.execPath,
      [
        bin,
        "install",
        "lib",
        "--registry-url",
        server.url,
        "--plugin-dir",
        join(tmp, "p2"),
        "--cache-dir",
        join(tmp, "c2"),
      ],
      {
        env: { ...process.env, HOME: tmp },
      },
    );
    p.on("close", resolve);
  });
  assert.equal(https, 2, "plain http without --allow-loopback-http is refused");
});

test("CLI: config writes defaults on install, warns about required fields, never echoes secrets", async () => {
  const installed = await cli("install", "cfg");
  assert.equal(installed.code, 0, installed.stderr);
  assert.match(installed.stderr, /set api_token/);
  const shown = await cli("config", "cfg", "--format", "json");
  assert.deepEqual(JSON.parse(shown.stdout).config, { region: "us-east-1", timeout: 30 });
  const invalid = await cli("config", "cfg", "--validate");
  assert.equal(invalid.code, 1);
  const set = await cli("config", "cfg", "--set", "api_token=s3cr3t-value", "--validate");
  assert.equal(set.code, 0, set.stderr);
  assert.doesNotMatch(set.stdout + set.stderr, /s3cr3t-value/);
  assert.match(set.stdout, /"api_token": "\*+"/);
  const wrongType = await cli("config", "cfg", "--set", 'timeout="soon"');
  assert.equal(wrongType.code, 1);
  assert.match(wrongType.stderr, /CONFIG_VALUE_INVALID/);
});

test("--container-engine names podman, docker or an executable path; anything else is a usage error", async () => {
  const missing = await cli("install", "lib", "--container-engine", join(tmp, "no-such-engine"));
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /not an executable file/);
  const odd = await cli("list", "--container-engine", "containerd");
  assert.equal(odd.code, 2, odd.stderr);
  assert.match(odd.stderr, /podman, docker or an absolute path/);
});

test("--artifact-mirror takes a folder or an http(s) base URL, as the gate's input does; anything else is a usage error naming it", async () => {
  for (const bad of ["http://[", "gopher://mirror.example.test/", "file://fileserver/share"]) {
    const run = await cli("install", "lib@1.0.0", "--yes", "--artifact-mirror", bad);
    assert.equal(run.code, 2, `${bad}: ${run.stderr}`);
    assert.match(run.stderr, /--artifact-mirror: the artifact mirror/, bad);
    assert.doesNotMatch(run.stderr, /TypeError|at .*\.ts:\d+/, bad);
  }
  // A relative folder is taken from the working directory: the artifact is looked for there by
  // file name (a plugin no other test installs, so nothing is reused from a cache).
  const mirror = await mkdtemp(join(tmp, "mirror-"));
  const missing = await cli(
    "install",
    "mirrored@1.0.0",
    "--yes",
    "--no-health-check",
    "--artifact-mirror",
    relative(process.cwd(), mirror),
  );
  assert.notEqual(missing.code, 0, missing.stderr);
  assert.match(missing.stderr, /DOWNLOAD_FAILED: .*through the artifact mirror/);
  assert.ok(missing.stderr.includes(`${mirror}/`), missing.stderr);
});

test("a registry URL that is not http(s), an update to a range, contradicting flags, a NUL byte: usage errors that name what is wrong", async () => {
  const { main } = await import("../../cli/main.ts");
  const run = async (...argv: string[]) => {
    let stderr = "";
    const code = await main([...argv, "--plugin-dir", join(tmp, "plugins")], {
      stdout: () => undefined,
      stderr: (t) => {
        stderr += t;
      },
      env: { HOME: tmp },
      isTTY: false,
    });
    return { code, stderr };
  };
  for (const url of [" ", "a:b", "http://[", "ftp://registry.example.test/"]) {
    const search = await run("search", "lib", "--registry-url", url);
    assert.equal(search.code, 2, `${url}: ${search.stderr}`);
    assert.match(search.stderr, /--registry-url .* is not an http\(s\) URL/, url);
  }
  const range = await run("update", "lib@^1");
  assert.equal(range.code, 2, range.stderr);
  assert.match(
    range.stderr,
    /An update moves to one exact version \(NAME@1\.2\.3\): '\^1' is not a SemVer version/,
  );
  for (const command of ["install", "update"]) {
    const both = await run(command, "lib", "--health-check", "--no-health-check");
    assert.equal(both.code, 2, both.stderr);
    assert.match(both.stderr, /--health-check and --no-health-check contradict each other/);
  }
  const nul = await run("info", "lib\0");
  assert.equal(nul.code, 2);
  assert.match(nul.stderr, /an argument holds a NUL byte/);
  // The library's registry source says the same of a URL it cannot read, at its first read.
  const { createContext } = await import("../../runner/create-context.ts");
  const { info } = await import("../../runner/ops/list.ts");
  const context = createContext({
    registryUrl: "a:b",
    pluginDir: join(tmp, "plugins"),
    cacheDir: join(tmp, "cache"),
  });
  await assert.rejects(info(context, "lib"), /The registry URL "a:b" is not an http\(s\) URL/);
});

test("install prints the health check's note for a plugin that runs no service; --no-health-check is accepted", async () => {
  const run = await cli("install", "lib@1.0.0", "--force", "--no-health-check", "--yes");
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /health check skipped \(--no-health-check\)/);
});
