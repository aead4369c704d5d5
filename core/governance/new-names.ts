import type { GovernanceContext } from "./governance.types.ts";
import { normalizeName } from "./names.ts";

interface KnownName {
  name: string;
  key: string;
}

/**
 * New plugins of the PR, each with the names it is compared against: every base name and the
 * new names that came before it in the same PR.
 */
export function newPlugins(ctx: GovernanceContext): { name: string; file: string; others: KnownName[] }[] {
  const added = ctx.plugins.filter((p) => !p.baseEntry && !ctx.baseNames.includes(p.name));
  if (added.length === 0) return [];
  const known: KnownName[] = ctx.baseNames.map((name) => ({ name, key: normalizeName(name) }));
  const out: { name: string; file: string; others: KnownName[] }[] = [];
  for (const plugin of added) {
    out.push({ name: plugin.name, file: plugin.entryFile, others: [...known] });
    known.push({ name: plugin.name, key: normalizeName(plugin.name) });
  }
  return out;
}
