import type { Account } from "../registry.types.ts";
import type { GovernanceContext } from "./governance.types.ts";

/** True when the PR author is a registry maintainer (by numeric id, read from the base config). */
export function authorIsMaintainer(ctx: GovernanceContext): boolean {
  return ctx.maintainers.some((m) => m.github_id === ctx.author.id);
}

/**
 * True when a maintainer grants what the pull request asks for: a maintainer (by numeric id, from
 * the base config) wrote it, or approved its head commit in a review that still stands.
 */
export function maintainerApproved(ctx: GovernanceContext): boolean {
  return (
    authorIsMaintainer(ctx) ||
    (ctx.approvedBy ?? []).some((a) => ctx.maintainers.some((m) => m.github_id === a.id))
  );
}

/** True when an account list holds the id. Logins are ignored: they can be renamed and re-registered. */
export function hasAccount(accounts: readonly Account[] | undefined, id: number): boolean {
  return (accounts ?? []).some((a) => a.github_id === id);
}

/** The ids of an account list, sorted, for comparing two lists as sets. */
export function accountIds(accounts: readonly Account[] | undefined): string {
  return [...new Set((accounts ?? []).map((a) => a.github_id))].sort((x, y) => x - y).join(",");
}
