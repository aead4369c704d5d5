import type { Finding } from "../../findings.types.ts";
import { SECURITY_LEVELS } from "../../manifest.types.ts";
import { signatureKindOf } from "../../signature/signature-kind.ts";
import type { GovernanceRule, SignatureKind, VersionView } from "../governance.types.ts";

const KINDS: readonly SignatureKind[] = ["none", "key", "sigstore"];

/** How a version is signed (core's one rule). */
const signatureKind = (view: VersionView): SignatureKind => signatureKindOf(view.manifest, view.hasBundle);

/**
 * TRUST_DOWNGRADE (R6): a new version may not be signed more weakly (sigstore > key > none) or
 * claim a lower security_level than the previous version (the highest base version below it).
 * Applies to everyone: a downgrade is what a stolen account would publish.
 */
export const trustDowngrade: GovernanceRule = (ctx) => {
  const findings: Finding[] = [];
  for (const plugin of ctx.plugins) {
    plugin.addedVersions.forEach((added, i) => {
      const previous = plugin.previousVersions[i];
      if (!previous?.manifest || !added.manifest) return;
      const kindBefore = signatureKind(previous);
      const kindAfter = signatureKind(added);
      if (KINDS.indexOf(kindAfter) < KINDS.indexOf(kindBefore)) {
        findings.push({
          code: "TRUST_DOWNGRADE",
          severity: "error",
          message: `${plugin.name} ${previous.version} is signed (${kindBefore}) but ${added.version} is ${kindAfter === "none" ? "unsigned" : `signed only with ${kindAfter}`}: a new version may not weaken its signature.`,
          file: added.file,
          pointer: kindBefore === "sigstore" ? "" : "/security/signature",
        });
      }
      const levelBefore = previous.manifest.security?.security_level ?? "untrusted";
      const levelAfter = added.manifest.security?.security_level ?? "untrusted";
      if (SECURITY_LEVELS.indexOf(levelAfter) < SECURITY_LEVELS.indexOf(levelBefore)) {
        findings.push({
          code: "TRUST_DOWNGRADE",
          severity: "error",
          message: `${plugin.name} ${added.version} lowers security_level from ${levelBefore} (${previous.version}) to ${levelAfter}: trust may not go down between versions.`,
          file: added.file,
          pointer: "/security/security_level",
        });
      }
    });
  }
  return findings;
};
