import type { Finding } from "../../findings.types.ts";
import { authorIsMaintainer } from "../accounts.ts";
import { classifyChangedPath } from "../classify.ts";
import type { GovernanceRule } from "../governance.types.ts";

/**
 * OUTSIDE_REGISTRY (G2): a change outside `<registry>/plugins/**` (workflows, scripts, the
 * Action, config.json) fails unless the author is a maintainer.
 */
export const outsideRegistry: GovernanceRule = (ctx) => {
  if (authorIsMaintainer(ctx)) return [];
  const findings: Finding[] = [];
  for (const change of ctx.changes) {
    if (classifyChangedPath(ctx.registryPath, change.path).kind !== "outside") continue;
    findings.push({
      code: "OUTSIDE_REGISTRY",
      severity: "error",
      message: `This pull request ${change.status === "deleted" ? "deletes" : change.status === "added" ? "adds" : "changes"} ${change.path}, which is outside ${ctx.registryPath}/plugins/: only a registry maintainer may change it. Move it to a separate pull request by a maintainer.`,
      file: change.path,
      pointer: "",
    });
  }
  return findings;
};
