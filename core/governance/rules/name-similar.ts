import type { Finding } from "../../findings.types.ts";
import { maintainerApproved } from "../accounts.ts";
import type { GovernanceRule } from "../governance.types.ts";
import { editDistance, normalizeName } from "../names.ts";
import { newPlugins } from "../new-names.ts";

/**
 * NAME_SIMILAR (R1): a new plugin name within edit distance 1 of an existing one (after
 * normalization) is sent to a maintainer: an error unless a maintainer wrote or approved the PR.
 */
export const nameSimilar: GovernanceRule = (ctx) => {
  if (maintainerApproved(ctx)) return [];
  const findings: Finding[] = [];
  for (const plugin of newPlugins(ctx)) {
    const key = normalizeName(plugin.name);
    const near = plugin.others.find((other) => other.key !== key && editDistance(key, other.key, 1) <= 1);
    if (!near) continue;
    findings.push({
      code: "NAME_SIMILAR",
      severity: "error",
      message: `The new plugin name "${plugin.name}" is one edit away from "${near.name}": a maintainer must confirm it is not a typosquat.`,
      file: plugin.file,
      pointer: "/name",
    });
  }
  return findings;
};
