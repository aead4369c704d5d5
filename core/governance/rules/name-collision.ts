import type { Finding } from "../../findings.types.ts";
import type { GovernanceRule } from "../governance.types.ts";
import { normalizeName } from "../names.ts";
import { newPlugins } from "../new-names.ts";

/**
 * NAME_COLLISION (R1): a new plugin name whose normalized form (see `normalizeName`) equals an
 * existing one is refused, for everyone.
 */
export const nameCollision: GovernanceRule = (ctx) => {
  const findings: Finding[] = [];
  for (const plugin of newPlugins(ctx)) {
    const key = normalizeName(plugin.name);
    const clash = plugin.others.find((other) => other.key === key);
    if (!clash) continue;
    findings.push({
      code: "NAME_COLLISION",
      severity: "error",
      message: `The new plugin name "${plugin.name}" collides with "${clash.name}" (both normalize to "${key}": punctuation, lookalike digits and confusable letters are ignored). Choose a distinct name.`,
      file: plugin.file,
      pointer: "/name",
    });
  }
  return findings;
};
