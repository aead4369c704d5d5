import type { ResolvedPlugin } from "./resolve.types.ts";

/**
 * The picks that only optional dependencies bring in: not asked for, and not required (a
 * non-optional dependency) by any pick that is needed. Installing one of them may fail without
 * failing the install: it is skipped with a warning, like an optional dependency that does not
 * resolve.
 */
export function optionalOnly(picks: readonly ResolvedPlugin[]): Set<string> {
  const byName = new Map(picks.map((p) => [p.name, p]));
  const needed = new Set(picks.filter((p) => p.explicit).map((p) => p.name));
  const queue = [...needed];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    for (const dep of byName.get(name)?.row?.dependencies ?? []) {
      if (dep.optional || needed.has(dep.name) || !byName.has(dep.name)) continue;
      needed.add(dep.name);
      queue.push(dep.name);
    }
  }
  return new Set(picks.filter((p) => !needed.has(p.name)).map((p) => p.name));
}

/**
 * What else must be left out once `skipped` are: every optional-only pick that requires (a
 * non-optional dependency) one left out, transitively. Returns the whole set left out.
 */
export function leaveOut(
  picks: readonly ResolvedPlugin[],
  optional: ReadonlySet<string>,
  skipped: Iterable<string>,
): Set<string> {
  const out = new Set(skipped);
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of picks) {
      if (out.has(p.name) || !optional.has(p.name)) continue;
      if ((p.row?.dependencies ?? []).some((d) => !d.optional && out.has(d.name))) {
        out.add(p.name);
        changed = true;
      }
    }
  }
  return out;
}
