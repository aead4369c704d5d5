/** The FinFocus CLI's rules as core/finfocus restates them, and the gate's warning about repositories. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  binaryCandidates,
  cliAssetCandidates,
  githubRepository,
  goPlatform,
  launchContract,
  releaseAssetName,
} from "../../core/finfocus/cli-layout.ts";
import { cliPluginManifest, cliPluginManifestProblems } from "../../core/finfocus/cli-plugin-manifest.ts";
import type { Manifest } from "../../core/manifest.types.ts";
import { validateEntry } from "../../core/validate/validate-documents.ts";

const manifest = {
  metadata: { name: "p", version: "2.1.0", description: "d", author: "a", license: "MIT" },
  specification: { spec_version: "0.1.0", supported_providers: ["aws", "gcp"] },
  security: { security_level: "verified" },
  installation: { installation_method: "binary" },
} as unknown as Manifest;

test("the CLI's plugin.manifest.json: flat, version equal to the folder, metadata only strings", () => {
  const cli = cliPluginManifest(manifest, { source: "https://r.example", empty: "" });
  assert.deepEqual(cli, {
    name: "p",
    version: "v2.1.0",
    description: "d",
    author: "a",
    providers: ["aws", "gcp"],
    metadata: {
      spec_version: "0.1.0",
      security_level: "verified",
      license: "MIT",
      source: "https://r.example",
    },
  });
  assert.deepEqual(cliPluginManifestProblems(JSON.stringify(cli), "p", "v2.1.0"), []);
});

test("what `finfocus plugin validate` refuses: Go decoding errors, then name or version mismatches", () => {
  const pointers = (value: unknown, folder = "v1.0.0") =>
    cliPluginManifestProblems(JSON.stringify(value), "p", folder).map((p) => p.pointer);
  const ok = { name: "p", version: "v1.0.0" };
  assert.deepEqual(pointers(ok), []);
  assert.deepEqual(pointers({ NAME: "p", Version: "v1.0.0" }), [], "Go matches keys case-insensitively");
  assert.deepEqual(
    pointers({ ...ok, metadata: { a: null }, providers: null }),
    [],
    "null leaves a field empty",
  );
  assert.deepEqual(pointers(ok, "1.0.0"), ["/version"], "the folder is the tag, v included");
  assert.deepEqual(pointers({ ...ok, name: "q" }), ["/name"]);
  assert.deepEqual(pointers({ ...ok, metadata: { nested: { a: 1 } } }), ["/metadata"]);
  assert.deepEqual(pointers({ ...ok, metadata: { port: 50051 } }), ["/metadata"]);
  assert.deepEqual(pointers({ ...ok, providers: "aws" }), ["/providers"]);
  assert.deepEqual(pointers({ ...ok, version: 1 }), ["/version"]);
  // Our registry manifest under that name is exactly what used to fail: no top-level name or version.
  assert.deepEqual(pointers(manifest, "v2.1.0"), ["/name", "/version"]);
  assert.deepEqual(
    cliPluginManifestProblems("{", "p", "v1").map((p) => p.message),
    ["is not JSON"],
  );
  assert.deepEqual(
    cliPluginManifestProblems("[]", "p", "v1").map((p) => p.message),
    ["is not an object"],
  );
});

test("release assets, binary names and the launch contract", () => {
  assert.deepEqual(goPlatform("linux", "x64"), { os: "linux", arch: "amd64" });
  assert.deepEqual(goPlatform("win32", "arm64"), { os: "windows", arch: "arm64" });
  assert.equal(releaseAssetName("p", "1.2.0", "linux", "arm64"), "p_1.2.0_linux_arm64.tar.gz");
  const candidates = cliAssetCandidates("p", "v1.2.0", "linux", "amd64");
  assert.equal(candidates[0], "p_v1.2.0_linux_amd64.tar.gz", "the tag first");
  assert.ok(candidates.includes("p_1.2.0_linux_amd64.tar.gz"));
  assert.ok(candidates.includes("p_1.2.0_Linux_x86_64.tar.gz"));
  assert.ok(!candidates.includes("p-1.2.0.tar.gz"), "the older demo archive names are not found");
  assert.deepEqual(binaryCandidates("p", "us-east-1"), [
    "finfocus-plugin-p-us-east-1",
    "finfocus-plugin-p",
    "p",
  ]);
  assert.deepEqual(launchContract(4242), { args: ["--port=4242"], env: { FINFOCUS_PLUGIN_PORT: "4242" } });
  assert.equal(githubRepository("https://github.com/o/r.git"), "o/r");
  assert.equal(githubRepository("https://gitlab.com/o/r"), undefined);
});

test("the gate warns (REPOSITORY_UNSUPPORTED at /repository) about a repository the CLI cannot parse", () => {
  const entry = (repository: string) =>
    new TextEncoder().encode(
      JSON.stringify({ name: "pp", owners: [{ github_id: 1, login: "o" }], repository }, null, 2),
    );
  assert.deepEqual(validateEntry(entry("org/plugin"), "plugins/pp/entry.json", "pp").findings, []);
  const findings = validateEntry(entry("org/plugin.js"), "plugins/pp/entry.json", "pp").findings;
  assert.deepEqual(
    findings.map((f) => [f.code, f.severity, f.pointer, f.line]),
    [["REPOSITORY_UNSUPPORTED", "warning", "/repository", 9]],
  );
});
