import type { Finding } from "../../findings.types.ts";
import { authorIsMaintainer, hasAccount } from "../accounts.ts";
import type { GovernanceRule } from "../governance.types.ts";

/**
 * NOT_AN_OWNER (R2): the author must be an owner, by numeric id, in the base entry.json of every
 * plugin the PR touches. A new plugin makes its author the first owner, so its entry.json must
 * list the author. Maintainers may touch any plugin.
 */
export const notAnOwner: GovernanceRule = (ctx) => {
  if (authorIsMaintainer(ctx)) return [];
  const findings: Finding[] = [];
  for (const plugin of ctx.plugins) {
    if (plugin.baseEntry) {
      if (hasAccount(plugin.baseEntry.owners, ctx.author.id)) continue;
      findings.push({
        code: "NOT_AN_OWNER",
        severity: "error",
        message: `${ctx.author.login} (id ${ctx.author.id}) is not an owner of ${plugin.name}. Ask an owner listed in ${plugin.entryFile} to open this pull request, or to add you as an owner through a maintainer.`,
        file: plugin.entryFile,
        pointer: "/owners",
      });
    } else if (!plugin.headEntry || !hasAccount(plugin.headEntry.owners, ctx.author.id)) {
      findings.push({
        code: "NOT_AN_OWNER",
        severity: "error",
        message: `${plugin.name} is a new plugin: its ${plugin.entryFile} must list you (${ctx.author.login}, github_id ${ctx.author.id}) in "owners".`,
        file: plugin.entryFile,
        pointer: plugin.headEntry ? "/owners" : "",
      });
    }
  }
  return findings;
};
