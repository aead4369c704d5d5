import type { Finding } from "../findings.types.ts";
import type { GovernanceContext, GovernanceRule } from "./governance.types.ts";
import { attributesFile } from "./rules/attributes-file.ts";
import { maintainerRequired } from "./rules/maintainer-required.ts";
import { nameCollision } from "./rules/name-collision.ts";
import { nameSimilar } from "./rules/name-similar.ts";
import { notAnOwner } from "./rules/not-an-owner.ts";
import { outsideRegistry } from "./rules/outside-registry.ts";
import { trustDowngrade } from "./rules/trust-downgrade.ts";
import { versionExists } from "./rules/version-exists.ts";
import { versionImmutable } from "./rules/version-immutable.ts";

/** Every governance rule of the pull-request gate, in reporting order. Add new rules here. */
export const governanceRules: readonly GovernanceRule[] = [
  outsideRegistry,
  attributesFile,
  versionImmutable,
  versionExists,
  notAnOwner,
  maintainerRequired,
  nameCollision,
  nameSimilar,
  trustDowngrade,
];

/** The rules that judge who the author is: they cannot run when the author is not known. */
export const authorRules: readonly GovernanceRule[] = [outsideRegistry, notAnOwner];

/**
 * Runs every governance rule over one pull request and returns all findings. With
 * `authorKnown: false` (a local run that was given no author id) the author rules are skipped;
 * the other rules see an author who is nobody (no maintainer, no owner).
 */
export function checkGovernance(ctx: GovernanceContext, options: { authorKnown?: boolean } = {}): Finding[] {
  const rules =
    options.authorKnown === false ? governanceRules.filter((r) => !authorRules.includes(r)) : governanceRules;
  return rules.flatMap((rule) => rule(ctx));
}
