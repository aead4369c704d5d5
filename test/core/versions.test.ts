/**
 * Version picking and spec compatibility, decided once in core/versions: the generator's latest,
 * the gate's dependency rule, the resolver and `update` all agree on yanked, prerelease and
 * build-metadata versions, and the gate's rule and the resolver agree on spec versions.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import semver from "semver";
import { parseConstraint } from "../../core/constraints.ts";
import { resolve } from "../../core/resolve/resolve.ts";
import type { AvailableVersion, PluginVersions } from "../../core/resolve/resolve.types.ts";
import { validateManifest } from "../../core/validate/validate-manifest.ts";
import {
  bestCandidate,
  bestMatch,
  isPrerelease,
  latestVersion,
  unpickable,
  updateTargets,
} from "../../core/versions/pick.ts";
import { sortByVersion } from "../../core/versions/registry-version.ts";
import { specCompatible, specVerdict } from "../../core/versions/spec-compat.ts";

const c = (text: string) => parseConstraint(text).value!;
const row = (version: string, extra: Partial<AvailableVersion> = {}): AvailableVersion => ({
  version,
  dependencies: [],
  yanked: false,
  prerelease: version.includes("-"),
  spec_version: "0.1.0",
  ...extra,
});
const plugin = (name: string, versions: AvailableVersion[]): PluginVersions => ({
  name,
  versions,
  signers: {},
  deprecated: false,
});
/** What the resolver picks for one root with this constraint, or the refusal's code. */
function resolved(versions: AvailableVersion[], constraint?: string, includePrerelease = false): string {
  const outcome = resolve(
    {
      roots: [{ name: "p", ...(constraint ? { constraint } : {}) }],
      specVersion: "0.1.0",
      includePrerelease,
    },
    (name) => (name === "p" ? plugin("p", versions) : null),
  );
  if (outcome.kind === "plan") return outcome.plugins[0]!.version;
  if (outcome.kind === "refused") return outcome.findings[0]!.code;
  return "need";
}

test("latest: the highest live release, else the highest live prerelease, else the highest", () => {
  assert.equal(latestVersion([row("1.0.0"), row("1.1.0-beta.1"), row("0.9.0")])?.version, "1.0.0");
  assert.equal(latestVersion([row("1.0.0", { yanked: true }), row("1.1.0-beta.1")])?.version, "1.1.0-beta.1");
  assert.equal(
    latestVersion([row("1.0.0", { yanked: true }), row("2.0.0", { yanked: true })])?.version,
    "2.0.0",
  );
  assert.equal(latestVersion([]), undefined);
  // Not SemVer: never the latest, with or without build metadata elsewhere in the list.
  assert.equal(latestVersion([row("9.9"), row("banana"), row("1.0.0"), row("v")])?.version, "1.0.0");
  assert.equal(latestVersion([row("9.9"), row("2.0.0+b"), row("1.0.0")])?.version, "2.0.0+b");
  assert.equal(latestVersion([row("9.9"), row("x-y")]), undefined);
});

test("a prerelease is a version with a prerelease part, not any version with a hyphen", () => {
  for (const v of ["1.2.0-beta.1", "0.0.1-0", "1.0.0-x-y+b"]) assert.equal(isPrerelease(v), true, v);
  for (const v of ["1.2.0", "1.2.0+build-5", "not-semver", "1.2-beta", ""])
    assert.equal(isPrerelease(v), false, v);
});

test("a build-metadata twin is never picked: not as latest, not by a range, not by the resolver", () => {
  const rows = [row("1.0.0"), row("1.0.0+evil")];
  assert.deepEqual([...unpickable(rows)], ["1.0.0+evil"]);
  assert.equal(latestVersion([row("1.0.0+evil"), row("1.0.0")])?.version, "1.0.0");
  assert.equal(bestCandidate(rows, [c("^1.0.0")])?.version, "1.0.0");
  assert.equal(bestMatch(rows, c(">=1.0.0")), "1.0.0");
  assert.equal(resolved([row("1.0.0+evil"), row("1.0.0")]), "1.0.0");
  // Without a twin, build metadata alone is a version like any other.
  assert.equal(resolved([row("1.0.0+build.7")]), "1.0.0+build.7");
});

test("yanked versions count only when named exactly, in the gate's rule and in the resolver alike", () => {
  const rows = [row("1.0.0"), row("1.1.0", { yanked: true })];
  assert.equal(bestMatch(rows, c("^1.0.0")), "1.0.0");
  assert.equal(bestMatch(rows, c("1.1.0")), "1.1.0");
  assert.equal(resolved(rows, "^1.0.0"), "1.0.0");
  assert.equal(resolved(rows, "1.1.0"), "1.1.0");
  assert.equal(bestMatch([row("1.1.0", { yanked: true })], c("^1.0.0")), undefined);
  assert.equal(resolved([row("1.1.0", { yanked: true })], "^1.0.0"), "PLUGIN_NOT_FOUND");
});

test("prereleases follow SemVer in the gate's rule and in the resolver alike: asked, named, or the same tuple", () => {
  const rows = [row("1.0.0"), row("1.1.0-beta.2")];
  for (const [constraint, expected] of [
    ["^1.0.0", "1.0.0"],
    ["^1.1.0-beta.1", "1.1.0-beta.2"],
    ["1.1.0-beta.2", "1.1.0-beta.2"],
  ] as const) {
    assert.equal(bestMatch(rows, c(constraint)), expected, `gate: ${constraint}`);
    assert.equal(resolved(rows, constraint), expected, `resolver: ${constraint}`);
  }
  // A dependency only a prerelease satisfies: the gate refuses it exactly as the resolver does.
  assert.equal(bestMatch([row("1.1.0-beta.2")], c("^1.0.0")), undefined);
  assert.equal(resolved([row("1.1.0-beta.2")], "^1.0.0"), "PLUGIN_NOT_FOUND");
  assert.equal(resolved([row("1.1.0-beta.2")], "^1.0.0", true), "1.1.0-beta.2");
});

test("update targets: patch automatic, minor and major reported, yanked and prereleases left out", () => {
  const rows = [
    row("1.0.0"),
    row("1.0.1"),
    row("1.0.2", { yanked: true }),
    row("1.2.0"),
    row("1.3.0-rc.1"),
    row("2.0.0"),
  ];
  assert.deepEqual(updateTargets("1.0.0", rows), { patch: "1.0.1", minor: "1.2.0", major: "2.0.0" });
  assert.deepEqual(updateTargets("1.2.0", rows), { patch: "1.2.0", major: "2.0.0" });
  assert.deepEqual(updateTargets("1.2.0", rows, { includePrerelease: true }), {
    patch: "1.2.0",
    minor: "1.3.0-rc.1",
    major: "2.0.0",
  });
  assert.deepEqual(updateTargets("2.0.0", rows), { patch: "2.0.0" });
});

test("spec compatibility is one rule: the gate's rule and the resolver agree (0.1.0 plugins under 0.2.0)", () => {
  assert.equal(specCompatible({ spec_version: "0.1.0" }, "0.1.0"), true);
  assert.equal(specCompatible({ spec_version: "0.1.0" }, "0.1.5"), true);
  assert.equal(specCompatible({ spec_version: "0.1.0" }, "0.2.0"), false, "0.x: a minor is breaking");
  assert.equal(specCompatible({ spec_version: "0.2.0" }, "0.1.0"), false, "never older than written for");
  assert.equal(specCompatible({ spec_version: "1.0.0" }, "1.4.0"), true);
  assert.equal(specCompatible({ spec_version: "1.0.0" }, "2.0.0"), false);
  assert.equal(specCompatible({ spec_version: "0.1.0", max_spec_version: "0.2.0" }, "0.2.0"), true);
  assert.equal(specCompatible({ spec_version: "0.2.0", min_spec_version: "0.1.0" }, "0.1.0"), true);
  assert.equal(specVerdict({ spec_version: "0.1.0", max_spec_version: "0.1.9" }, "0.2.0").compatible, false);

  const manifest = {
    metadata: { name: "acme-cost", version: "1.0.0", description: "Costs for Acme.", author: "Acme" },
    specification: {
      spec_version: "0.1.0",
      supported_providers: ["aws"],
      service_definition: {
        service_name: "CostSourceService",
        package_name: "finfocus.v1",
        methods: ["GetActualCost"],
      },
    },
    installation: {
      installation_method: "container",
      download_url: `ghcr.io/acme/cost@sha256:${"a".repeat(64)}`,
    },
  };
  const config = {
    name: "r",
    base_url: "https://registry.example",
    spec_version: "0.2.0",
    maintainers: [],
  };
  const gate = validateManifest(new TextEncoder().encode(JSON.stringify(manifest)), "m.json", { config });
  assert.deepEqual(
    gate.findings.map((f) => [f.code, f.pointer]),
    [["SPEC_VERSION_INCOMPATIBLE", "/specification/spec_version"]],
  );
  assert.equal(resolved([row("1.0.0", { spec_version: "0.1.0" })], undefined).length > 0, true);
  const outcome = resolve({ roots: [{ name: "p" }], specVersion: "0.2.0" }, () =>
    plugin("p", [row("1.0.0", { spec_version: "0.1.0" })]),
  );
  assert.equal(outcome.kind === "refused" && outcome.findings[0]?.code, "SPEC_VERSION_INCOMPATIBLE");
});

test("sortByVersion orders as SemVer precedence, plain releases and prereleases together", () => {
  const versions = [
    "1.10.0",
    "1.2.0",
    "1.2.0-rc.1",
    "0.0.1",
    "1.2.0-alpha",
    "10.0.0",
    "2.0.0",
    "1.2.10",
    "1.2.9",
    "999999999999999.0.0",
    "1.2.0-rc.10",
    "1.2.0-rc.2",
  ];
  const expected = [...versions].sort(semver.compare);
  assert.deepEqual(
    sortByVersion([...versions], (v) => v),
    expected,
  );
  assert.deepEqual(
    sortByVersion(
      versions.map((version) => ({ version })),
      (v) => v.version,
    ).map((v) => v.version),
    expected,
  );
});
