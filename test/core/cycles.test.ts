import assert from "node:assert/strict";
import { test } from "node:test";
import { findCycles, type PluginDependencies } from "../../core/registry/cycles.ts";

/** A plugin at 1.0.0 and 1.1.0 whose latest version requires `deps` (`name@constraint`, `?` for optional). */
function plugin(name: string, ...deps: string[]): PluginDependencies {
  return {
    name,
    validVersions: ["1.0.0", "1.1.0"],
    latest: {
      file: `plugins/${name}/versions/1.1.0.json`,
      dependencies: deps.map((d) => {
        const [dep, constraint] = d.replace("?", "").split("@") as [string, string];
        return { name: dep, version_constraint: constraint, ...(d.endsWith("?") ? { optional: true } : {}) };
      }),
    },
  };
}

test("cycles are found through plugins that require others, whatever depends on them or on leaves", () => {
  const findings = findCycles([
    plugin("a", "b@^1.0.0"),
    plugin("b", "c@^1.0.0", "leaf@^1.0.0"),
    plugin("c", "a@^1.1.0"),
    plugin("d", "a@^1.0.0"),
    plugin("e", "leaf@^1.0.0"),
    plugin("leaf"),
    plugin("self", "self@^1.0.0"),
    // No version of the target matches, or the dependency is optional: no edge, no cycle.
    plugin("x", "y@^2.0.0"),
    plugin("y", "x@^1.0.0"),
    plugin("p", "q@^1.0.0?"),
    plugin("q", "p@^1.0.0"),
  ]);
  assert.deepEqual(
    findings.map((f) => [f.code, f.file, f.pointer]),
    [
      ["DEPENDENCY_CYCLE", "plugins/a/versions/1.1.0.json", "/requirements/dependencies/0"],
      ["DEPENDENCY_CYCLE", "plugins/self/versions/1.1.0.json", "/requirements/dependencies/0"],
    ],
  );
  assert.match(findings[0]?.message ?? "", /a → b → c → a/);
});
