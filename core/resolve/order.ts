import type { ResolvedPlugin } from "./resolve.types.ts";

/**
 * The picks in install order: every plugin after its dependencies (a cycle is broken at the first
 * plugin met again), names in code-unit order where the graph leaves a choice. Iterative (an
 * explicit stack), so a dependency chain of any length is ordered without recursion.
 */
export function dependenciesFirst(picks: ReadonlyMap<string, ResolvedPlugin>): ResolvedPlugin[] {
  const out: ResolvedPlugin[] = [];
  const state = new Map<string, "visiting" | "done">();
  for (const start of [...picks.keys()].sort()) {
    if (state.has(start)) continue;
    state.set(start, "visiting");
    const stack: { pick: ResolvedPlugin; next: number }[] = [{ pick: picks.get(start)!, next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const deps = top.pick.row?.dependencies ?? [];
      if (top.next < deps.length) {
        const name = deps[top.next++]!.name;
        const dep = picks.get(name);
        if (dep && !state.has(name)) {
          state.set(name, "visiting");
          stack.push({ pick: dep, next: 0 });
        }
        continue;
      }
      stack.pop();
      state.set(top.pick.name, "done");
      out.push(top.pick);
    }
  }
  return out;
}
