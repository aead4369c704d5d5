/**
 * Resolution as a pure function (core/resolve): the runner feeds it what it fetched. Deep graphs
 * resolve without recursion; missing input is asked for, never guessed; refusals are findings.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Manifest } from "../../core/manifest.types.ts";
import { resolve } from "../../core/resolve/resolve.ts";
import type { PluginVersions } from "../../core/resolve/resolve.types.ts";
import { resolvePlan } from "../../runner/resolve/resolve.ts";
import type { MetadataSource } from "../../runner/source/source.types.ts";

/** p0 → p1 → … → p(n-1), each with one version. */
function chain(n: number): Map<string, PluginVersions> {
  const plugins = new Map<string, PluginVersions>();
  for (let i = 0; i < n; i++) {
    plugins.set(`p${i}`, {
      name: `p${i}`,
      signers: {},
      deprecated: false,
      versions: [
        {
          version: "1.0.0",
          yanked: false,
          prerelease: false,
          spec_version: "0.1.0",
          dependencies:
            i + 1 < n ? [{ name: `p${i + 1}`, version_constraint: "^1.0.0", optional: false }] : [],
        },
      ],
    });
  }
  return plugins;
}

/** An in-memory source over version lists (a fake of the port, no module mocking). */
function memorySource(plugins: Map<string, PluginVersions>, requests: string[]): MetadataSource {
  return {
    kind: "registry",
    location: "memory",
    priority: 0,
    async versions(name) {
      requests.push(name);
      return plugins.get(name);
    },
    async manifest(): Promise<{ manifest: Manifest; findings: [] }> {
      throw new Error("not needed to resolve");
    },
    async bundle() {
      return undefined;
    },
    async list() {
      return [];
    },
  };
}

test("a dependency chain of 20,000 links resolves and orders, dependencies first, without recursion", async () => {
  const plugins = chain(20_000);
  const outcome = resolve(
    { roots: [{ name: "p0" }], specVersion: "0.1.0" },
    (name) => plugins.get(name) ?? null,
  );
  assert.equal(outcome.kind, "plan");
  if (outcome.kind !== "plan") return;
  assert.equal(outcome.plugins.length, 20_000);
  assert.equal(outcome.plugins[0]?.name, "p19999");
  assert.equal(outcome.plugins.at(-1)?.name, "p0");

  // The runner gathers the whole chain first (one request per link), then resolves once.
  const requests: string[] = [];
  const plan = await resolvePlan({
    roots: [{ name: "p0" }],
    specVersion: "0.1.0",
    sources: [memorySource(plugins, requests)],
  });
  assert.equal(plan.plugins.length, 20_000);
  assert.equal(plan.plugins[0]?.name, "p19999");
  assert.equal(requests.length, 20_000, "each plugin's versions are asked for once");
});

test("resolve asks for what it was not given, and refuses with findings", () => {
  const plugins = chain(3);
  const known = new Map([["p0", plugins.get("p0")!]]);
  const need = resolve({ roots: [{ name: "p0" }], specVersion: "0.1.0" }, (name) => known.get(name));
  assert.deepEqual(need, { kind: "need", names: ["p1"] });

  const missing = resolve({ roots: [{ name: "p0" }], specVersion: "0.1.0" }, (name) =>
    name === "p0" ? plugins.get("p0")! : null,
  );
  assert.equal(missing.kind, "refused");
  if (missing.kind !== "refused") return;
  assert.deepEqual(
    missing.findings.map((f) => [f.code, f.file, f.pointer]),
    [["DEPENDENCY_NOT_FOUND", "p0@1.0.0", "/requirements/dependencies/0/version_constraint"]],
  );

  const bad = resolve({ roots: [{ name: "p0", constraint: "latest" }], specVersion: "0.1.0" }, () => null);
  assert.equal(bad.kind === "refused" && bad.findings[0]?.code, "INVALID_CONSTRAINT");
});

test("a cycle between loose plugins is ordered, broken at the first plugin met again", () => {
  const plugins = chain(2);
  plugins.get("p1")!.versions[0]!.dependencies = [
    { name: "p0", version_constraint: "^1.0.0", optional: false },
  ];
  const outcome = resolve(
    { roots: [{ name: "p0" }], specVersion: "0.1.0" },
    (name) => plugins.get(name) ?? null,
  );
  assert.equal(outcome.kind, "plan");
  if (outcome.kind === "plan")
    assert.deepEqual(
      outcome.plugins.map((p) => p.name),
      ["p1", "p0"],
    );
});
