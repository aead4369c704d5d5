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

/** Runs every governance rule over one pull request and returns all findings. */
export function checkGovernance(ctx: GovernanceContext): Finding[] {
  return governanceRules.flatMap((rule) => rule(ctx));
}
