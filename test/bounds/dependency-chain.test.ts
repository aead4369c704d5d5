/**
 * Deep dependency graphs (issue: resource exhaustion): a registry whose dependencies form one long
 * chain, or one huge loop, is checked without recursion and in linear time.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { findCycles, type PluginDependencies } from "../../core/registry/cycles.ts";

const name = (i: number): string => `p${String(i).padStart(6, "0")}`;
const dep = (i: number) => ({ name: name(i), version_constraint: "^1.0.0" });

function chain(n: number, loop: boolean): PluginDependencies[] {
  return Array.from({ length: n }, (_, i) => ({
    name: name(i),
    validVersions: ["1.0.0"],
    latest: {
      file: `plugins/${name(i)}/versions/1.0.0.json`,
      dependencies: i + 1 < n ? [dep(i + 1)] : loop ? [dep(0)] : [],
    },
  }));
}

test("a chain of 20,000 plugins has no cycle and no stack overflow (the recursive search overflowed at 5,000)", () => {
  assert.deepEqual(findCycles(chain(20_000, false)), []);
});

test("a loop through 20,000 plugins is one finding on its first plugin", () => {
  const findings = findCycles(chain(20_000, true));
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.file, `plugins/${name(0)}/versions/1.0.0.json`);
  assert.equal(findings[0]?.pointer, "/requirements/dependencies/0");
});

test("every plugin of a long chain also depending on the first: one finding, linear time", () => {
  const plugins = chain(20_000, false).map((p, i) =>
    i === 0 || !p.latest
      ? p
      : { ...p, latest: { ...p.latest, dependencies: [...p.latest.dependencies, dep(0)] } },
  );
  const findings = findCycles(plugins);
  assert.equal(findings.length, 1);
  assert.match(findings[0]?.message ?? "", /p000000 → p000001 → p000000/, "a shortest example cycle");
});
