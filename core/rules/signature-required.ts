import { finding } from "./finding.ts";
import type { Rule } from "./rule.types.ts";

/**
 * Claiming `verified` or `official` needs signature material: a key signature with its public
 * key, or a Sigstore bundle beside the manifest. (Whether it verifies, and by whom, is checked
 * against the artifact by core/signature.)
 */
export const signatureRequired: Rule = (ctx) => {
  const security = ctx.manifest.security;
  const level = security?.security_level ?? "untrusted";
  if (level !== "verified" && level !== "official") return [];
  const keyed = security?.signature !== undefined && security.public_key !== undefined;
  if (keyed || ctx.hasBundle === true) return [];
  if (security?.signature !== undefined || security?.public_key !== undefined) {
    const missing = security?.signature === undefined ? "signature" : "public_key";
    return [
      finding(
        ctx,
        "SIGNATURE_REQUIRED",
        `/security/${missing}`,
        `a key signature needs both signature and public_key: add security.${missing}`,
      ),
    ];
  }
  const needs = `the '${level}' level needs a signature: add security.signature and security.public_key, or a Sigstore bundle as ${ctx.path ? `${ctx.path.version}.sigstore.json` : "<version>.sigstore.json"} beside the manifest`;
  // Where a bundle cannot be given with the manifest, its absence cannot be told: a warning.
  if (ctx.hasBundle === "unknown")
    return [
      finding(
        ctx,
        "SIGNATURE_REQUIRED",
        "/security/security_level",
        `${needs} (a bundle cannot come with this manifest, so it is not known whether one exists)`,
        "warning",
      ),
    ];
  return [finding(ctx, "SIGNATURE_REQUIRED", "/security/security_level", needs)];
};
