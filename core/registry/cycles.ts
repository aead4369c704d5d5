import { bestMatch, parseConstraint } from "../constraints.ts";
import type { Finding } from "../findings.types.ts";
import type { Dependency } from "../manifest.types.ts";

/** What the cycle check needs of a plugin. */
export interface PluginDependencies {
  name: string;
  validVersions: readonly string[];
  latest?: { file: string; dependencies: readonly Dependency[] };
}

/**
 * Required-dependency cycles among the plugins' latest versions (a cycle can never be installed
 * in order). Each cycle is reported once, on the manifest of its alphabetically first plugin.
 */
export function findCycles(plugins: readonly PluginDependencies[]): Finding[] {
  const byName = new Map(
    plugins.map((p) => [p.name, { ...p, versions: p.validVersions.map((version) => ({ version })) }]),
  );
  const edges = new Map<string, string[]>();
  for (const plugin of plugins) {
    const deps = plugin.latest?.dependencies ?? [];
    edges.set(
      plugin.name,
      deps
        .filter((d) => !d.optional)
        .filter((d) => {
          const target = byName.get(d.name);
          const parsed = parseConstraint(d.version_constraint).value;
          return target && parsed && bestMatch(target.versions, parsed, true) !== undefined;
        })
        .map((d) => d.name),
    );
  }
  const findings: Finding[] = [];
  const reported = new Set<string>();
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (name: string): void => {
    state.set(name, "visiting");
    stack.push(name);
    for (const next of edges.get(name) ?? []) {
      if (state.get(next) === "visiting") {
        const cycle = stack.slice(stack.indexOf(next));
        const key = [...cycle].sort().join(",");
        if (!reported.has(key)) {
          reported.add(key);
          const first = [...cycle].sort()[0] as string;
          const latest = byName.get(first)?.latest;
          const index = latest?.dependencies.findIndex((d) => cycle.includes(d.name)) ?? 0;
          const start = cycle.indexOf(first);
          const ordered = [...cycle.slice(start), ...cycle.slice(0, start), first];
          findings.push({
            code: "DEPENDENCY_CYCLE",
            severity: "error",
            message: `required dependencies form a cycle: ${ordered.join(" → ")}; make one of them optional`,
            file: latest?.file ?? `plugins/${first}`,
            pointer: `/requirements/dependencies/${index}`,
          });
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(name, "done");
  };
  for (const name of [...edges.keys()].sort()) if (!state.has(name)) visit(name);
  return findings;
}
