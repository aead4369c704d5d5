/**
 * #11 point 5: the smaller faults, each with its regression test (the url source and --offline
 * git ones are in discovery-config.test.ts and discovery-settings.test.ts).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { globMatch, matchesFilter } from "../../core/text/search-filter.ts";
import { publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

const bin = fileURLToPath(new URL("../../bin/finfocus-registry.js", import.meta.url));
let server: StaticServer;
let tmp: string;

before(async () => {
  server = await startServer();
  tmp = await mkdtemp(join(tmpdir(), "ffr-faults-"));
  publish(server, [
    { name: "aws-cost", versions: [{ version: "1.0.0" }] },
    { name: "aws-budgets", versions: [{ version: "1.0.0" }] },
    { name: "kubecost-aws", versions: [{ version: "1.0.0" }] },
    {
      name: "old",
      deprecated: true,
      versions: [{ version: "1.0.0" }, { version: "1.1.0", yanked: true }],
    },
    { name: "lib", versions: [{ version: "1.0.0" }, { version: "2.0.0" }] },
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
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args, ...common, "--cache-dir", join(tmp, "cache")], {
      env: { ...process.env, HOME: tmp, NO_COLOR: "1" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

test("search 'aws-*' is the spec's glob on the name; plain words still search every text", async () => {
  const glob = await cli("search", "aws-*", "--format", "json");
  assert.equal(glob.code, 0, glob.stderr);
  assert.deepEqual(
    JSON.parse(glob.stdout).plugins.map((p: { name: string }) => p.name),
    ["aws-budgets", "aws-cost"],
  );
  const word = await cli("search", "aws", "--format", "json");
  assert.deepEqual(
    JSON.parse(word.stdout).plugins.map((p: { name: string }) => p.name),
    ["aws-budgets", "aws-cost", "kubecost-aws"],
  );
  assert.ok(matchesFilter("*-AWS", "kubecost-aws"));
  assert.ok(matchesFilter("aws-?ost", "aws-cost"));
  assert.ok(!matchesFilter("aws-?", "aws-cost"));
  assert.ok(matchesFilter(" Budget ", "aws-cost", ["cost", "Tracks BUDGETS"]), "texts, any case, trimmed");
  assert.ok(!matchesFilter("budget", "aws-cost", ["cost"]));
  assert.ok(!matchesFilter("aws-*", "kubecost", ["aws-cost"]), "a glob looks at the name only");
  assert.ok(globMatch("a*a*a*a*a*a*a*a*a*b", "a".repeat(50)) === false, "no backtracking blow-up");
});

test("install prints a deprecation warning once", async () => {
  const run = await cli("install", "old", "--yes");
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stderr.split("\n").filter((l) => l.includes("deprecated"));
  assert.equal(lines.length, 1, run.stderr);
});

test("update says a newer major exists instead of only 'up to date'", async () => {
  const installed = await cli("install", "lib@^1.0.0", "--yes");
  assert.equal(installed.code, 0, installed.stderr);
  const run = await cli("update", "lib", "--format", "json");
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout).updates, [
    {
      name: "lib",
      previous_version: "1.0.0",
      updated_version: "1.0.0",
      status: "up-to-date",
      available_major: "2.0.0",
    },
  ]);
  const text = await cli("update", "lib");
  assert.match(text.stdout, /major 2\.0\.0 available/);
});

test("error details carry the spec's plugin_name, requested_version and available_versions", async () => {
  const run = await cli("install", "aws-cost@9.9.9", "--format", "json");
  assert.equal(run.code, 1);
  const doc = JSON.parse(run.stdout);
  assert.equal(doc.code, "PLUGIN_NOT_FOUND");
  assert.equal(doc.details.plugin_name, "aws-cost");
  assert.equal(doc.details.requested_version, "9.9.9");
  assert.deepEqual(doc.details.available_versions, ["1.0.0"]);
});
