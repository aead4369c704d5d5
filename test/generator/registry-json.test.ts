/**
 * `/api/v1/registry.json` must load in the FinFocus CLI as it is (its entry rules, restated in
 * core/finfocus) and stay valid under upstream's plugin_registry.schema.json: for the bundled
 * registry and for every case the generator maps or leaves out.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { cliRegistryEntryProblems, cliRegistryProblems } from "../../core/finfocus/cli-registry-entry.ts";
import type { SecurityLevel } from "../../core/manifest.types.ts";
import type { PluginRecord, VersionRecord } from "../../core/registry.types.ts";
import { upstreamEntry } from "../../generator/registry-json.ts";
import { upstreamFile } from "../upstream.ts";
import { build, tempDir } from "./helpers.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const UPSTREAM_SCHEMA = upstreamFile("finfocus-spec", "schemas", "plugin_registry.schema.json");
const upstreamMissing = !existsSync(UPSTREAM_SCHEMA) && `upstream schema not found at ${UPSTREAM_SCHEMA}`;

function plugin(level: SecurityLevel, patch: { repository?: string; method?: string } = {}) {
  const manifest = {
    metadata: { name: "p", version: "1.0.0", description: "A plugin that does things.", author: "Me" },
    specification: {
      spec_version: "0.1.0",
      supported_providers: ["aws"],
      service_definition: { service_name: "S", package_name: "p.v1", methods: ["Name"] },
    },
    security: { security_level: level },
    installation: { installation_method: patch.method ?? "binary" },
  } as unknown as VersionRecord["manifest"];
  const latest: VersionRecord = {
    version: "1.0.0",
    file: "plugins/p/versions/1.0.0.json",
    manifest,
    sha256: "",
  };
  const record: PluginRecord = {
    name: "p",
    entry: { name: "p", owners: [], repository: patch.repository ?? "org/p" },
    entryFile: "plugins/p/entry.json",
    versions: [latest],
  };
  return upstreamEntry(record, latest);
}

test("levels map to what the FinFocus CLI accepts; untrusted has no honest shared value and is left out", () => {
  const levels = (["official", "verified", "community"] as const).map((level) => {
    const result = plugin(level);
    assert.ok("entry" in result, level);
    assert.deepEqual(cliRegistryEntryProblems("p", result.entry), [], level);
    return result.entry.security_level;
  });
  assert.deepEqual(levels, ["official", "community", "community"]);
  const untrusted = plugin("untrusted");
  assert.ok("omitted" in untrusted);
  assert.match(untrusted.omitted.reason, /untrusted/);
});

test("a repository the CLI cannot parse, and container or script installs, are left out with the reason", () => {
  for (const repository of ["org/p.js", "org/p.x.y"]) {
    const result = plugin("community", { repository });
    assert.ok("omitted" in result, repository);
    assert.match(result.omitted.reason, /repository/);
  }
  for (const method of ["container", "script"]) {
    const result = plugin("community", { method });
    assert.ok("omitted" in result, method);
    assert.match(result.omitted.reason, new RegExp(method));
  }
  assert.ok("entry" in plugin("community", { method: "package" }), "a package archive is a release archive");
});

test("the CLI's entry rules, restated: what ValidateRegistryEntry and the Go decoder refuse", () => {
  const ok = { name: "p", repository: "o/r", security_level: "experimental" };
  assert.deepEqual(cliRegistryEntryProblems("p", ok), []);
  assert.deepEqual(cliRegistryEntryProblems("p", { ...ok, security_level: "" }), []);
  const pointers = (value: unknown) => cliRegistryEntryProblems("p", value).map((p) => p.pointer);
  assert.deepEqual(pointers({ ...ok, security_level: "verified" }), ["/security_level"]);
  assert.deepEqual(pointers({ ...ok, security_level: "untrusted" }), ["/security_level"]);
  assert.deepEqual(pointers({ ...ok, repository: "o/r.js" }), ["/repository"]);
  assert.deepEqual(pointers({ ...ok, repository: "https://github.com/o/r" }), ["/repository"]);
  assert.deepEqual(pointers({ ...ok, repository: undefined }), ["/repository"]);
  assert.deepEqual(pointers({ ...ok, name: "" }), ["/name"]);
  assert.deepEqual(pointers({ ...ok, capabilities: "cost" }), ["/capabilities"]);
  assert.deepEqual(pointers({ ...ok, author: 7 }), ["/author"]);
  assert.deepEqual(
    cliRegistryProblems({ schema_version: 1, plugins: [] }).map((p) => p.pointer),
    ["/schema_version", "/plugins"],
  );
});

test("the bundled registry's registry.json: valid for the FinFocus CLI and under upstream's schema", {
  skip: upstreamMissing,
}, async () => {
  const { dir, cleanup } = tempDir();
  try {
    const out = path.join(dir, "out");
    const result = await build(path.join(REPO, "registry"), out);
    const doc = JSON.parse(readFileSync(path.join(out, "api/v1/registry.json"), "utf8")) as {
      plugins: Record<string, { security_level?: string; repository: string }>;
    };
    assert.deepEqual(cliRegistryProblems(doc), []);
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(UPSTREAM_SCHEMA, "utf8")));
    assert.ok(validate(doc), JSON.stringify(validate.errors));
    // Every level is represented: official as is, verified and community as community.
    assert.equal(doc.plugins["cloud-auth-helper"]?.security_level, "official");
    assert.equal(doc.plugins["aws-cost-explorer"]?.security_level, "community");
    assert.equal(doc.plugins["fx-rate-normalizer"]?.security_level, "community");
    const omitted = Object.fromEntries((result.model?.registryOmitted ?? []).map((o) => [o.name, o.reason]));
    assert.deepEqual(Object.keys(omitted).sort(), ["k8s-namespace-allocator", "kubecost-bridge"]);
    assert.match(omitted["k8s-namespace-allocator"] ?? "", /untrusted/);
    assert.match(omitted["kubecost-bridge"] ?? "", /container/);
  } finally {
    cleanup();
  }
});
