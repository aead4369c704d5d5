import { parseConstraint } from "../constraints.ts";
import type { Finding } from "../findings.types.ts";
import type { Dependency } from "../manifest.types.ts";
import { bestMatch } from "../versions/pick.ts";

/** What the cycle check needs of a plugin. */
export interface PluginDependencies {
  name: string;
  validVersions: readonly string[];
  latest?: { file: string; dependencies: readonly Dependency[] };
}

/**
 * Required-dependency cycles among the plugins' latest versions (a cycle can never be installed
 * in order). Each group of plugins that depend on each other in a loop (a strongly connected
 * component) is reported once, on the manifest of its alphabetically first plugin, with one
 * shortest cycle through that plugin as the example. Linear in plugins and dependencies, and
 * without recursion: a chain of thousands of plugins neither overflows the stack nor slows down.
 */
export function findCycles(plugins: readonly PluginDependencies[]): Finding[] {
  const byName = new Map(plugins.map((p) => [p.name, p]));
  // A plugin whose latest version requires nothing has no way out, so no cycle passes through it:
  // an edge to it is left out without matching its versions (most dependencies are on such
  // plugins; matching every one cost a pass over the registry's versions).
  const requires = (p: PluginDependencies): boolean =>
    p.latest?.dependencies.some((d) => !d.optional) ?? false;
  const edges = new Map<string, string[]>();
  for (const plugin of plugins) {
    const deps = plugin.latest?.dependencies ?? [];
    edges.set(
      plugin.name,
      deps
        .filter((d) => !d.optional)
        .filter((d) => {
          const target = byName.get(d.name);
          if (target === undefined || !requires(target)) return false;
          const parsed = parseConstraint(d.version_constraint).value;
          const versions = target.validVersions.map((version) => ({ version }));
          return parsed !== undefined && bestMatch(versions, parsed, true) !== undefined;
        })
        .map((d) => d.name),
    );
  }
  const findings: Finding[] = [];
  for (const component of stronglyConnected(edges)) {
    const first = [...component].sort()[0] as string;
    const selfLoop = edges.get(first)?.includes(first) ?? false;
    if (component.size === 1 && !selfLoop) continue;
    const cycle = selfLoop ? [first] : shortestCycle(first, edges, component);
    const latest = byName.get(first)?.latest;
    const second = cycle[1] ?? first;
    const index = Math.max(0, latest?.dependencies.findIndex((d) => d.name === second && !d.optional) ?? 0);
    const more =
      component.size > cycle.length ? ` (${component.size} plugins depend on each other in a loop)` : "";
    findings.push({
      code: "DEPENDENCY_CYCLE",
      severity: "error",
      message: `required dependencies form a cycle: ${[...cycle, first].join(" → ")}${more}; make one of them optional`,
      file: latest?.file ?? `plugins/${first}`,
      pointer: `/requirements/dependencies/${index}`,
    });
  }
  return findings;
}

/** Tarjan's strongly connected components, with an explicit stack instead of recursion. */
function stronglyConnected(edges: ReadonlyMap<string, readonly string[]>): Set<string>[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: Set<string>[] = [];
  let counter = 0;
  for (const root of [...edges.keys()].sort()) {
    if (index.has(root)) continue;
    const frames: { name: string; next: number }[] = [{ name: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1] as { name: string; next: number };
      const targets = edges.get(frame.name) ?? [];
      if (frame.next < targets.length) {
        const next = targets[frame.next++] as string;
        if (!index.has(next)) {
          index.set(next, counter);
          low.set(next, counter++);
          stack.push(next);
          onStack.add(next);
          frames.push({ name: next, next: 0 });
        } else if (onStack.has(next)) {
          low.set(frame.name, Math.min(low.get(frame.name) as number, index.get(next) as number));
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent)
        low.set(parent.name, Math.min(low.get(parent.name) as number, low.get(frame.name) as number));
      if (low.get(frame.name) === index.get(frame.name)) {
        const component = new Set<string>();
        for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
          onStack.delete(member);
          component.add(member);
          if (member === frame.name) break;
        }
        components.push(component);
      }
    }
  }
  return components;
}

/** A shortest cycle from `start` back to itself inside `component` (breadth-first search). */
function shortestCycle(
  start: string,
  edges: ReadonlyMap<string, readonly string[]>,
  component: ReadonlySet<string>,
): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const name = queue[head] as string;
    for (const next of edges.get(name) ?? []) {
      if (!component.has(next)) continue;
      if (next === start) {
        const cycle = [name];
        for (let at = parent.get(name); at !== undefined; at = parent.get(at)) cycle.push(at);
        return cycle.reverse();
      }
      if (!parent.has(next)) {
        parent.set(next, name);
        queue.push(next);
      }
    }
  }
  return [start];
}
