import type { Finding } from "../../findings.types.ts";
import { samePrecedence } from "../../versions/registry-version.ts";
import type { GovernanceRule } from "../governance.types.ts";

/**
 * VERSION_EXISTS (R3): a version the PR adds may not equal, in SemVer precedence, a published
 * version or another version of the same PR (`1.0.0+x` beside `1.0.0`): clients resolve one of
 * the two, and which one would not be the one that was reviewed. For everyone.
 */
export const versionExists: GovernanceRule = (ctx) => {
  const findings: Finding[] = [];
  for (const plugin of ctx.plugins) {
    const seen: string[] = [];
    for (const added of plugin.addedVersions) {
      const twin =
        plugin.baseVersions.find((v) => v !== added.version && samePrecedence(v, added.version)) ??
        seen.find((v) => samePrecedence(v, added.version));
      seen.push(added.version);
      if (twin === undefined) continue;
      findings.push({
        code: "VERSION_EXISTS",
        severity: "error",
        message: `${plugin.name} ${added.version} is the same version as ${twin} in SemVer precedence (build metadata does not count): publish a new version number.`,
        file: added.file,
        pointer: "",
      });
    }
  }
  return findings;
};
