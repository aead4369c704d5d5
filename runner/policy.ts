import { SECURITY_LEVELS, type SecurityLevel } from "../core/manifest.types.ts";

/** The spec's per-source and global security policy settings. */
export interface SecurityPolicy {
  min_security_level?: SecurityLevel;
  allow_untrusted?: boolean;
  require_signature?: boolean;
  prompt_for_untrusted?: boolean;
}

export type PolicyDecision =
  | { kind: "allow" }
  | { kind: "refuse"; reason: string }
  | { kind: "ask"; question: string };

/**
 * What the policy says about installing a plugin with this security level and this kind of
 * verified signature. Pure: the caller prompts or refuses.
 */
export function decidePolicy(
  name: string,
  level: SecurityLevel,
  signature: "none" | "key" | "sigstore",
  policy: SecurityPolicy,
): PolicyDecision {
  if (policy.require_signature && signature === "none") {
    return { kind: "refuse", reason: `${name} is not signed and the policy requires signatures` };
  }
  if (level === "untrusted") {
    if (policy.prompt_for_untrusted)
      return { kind: "ask", question: `${name} is untrusted. Install it anyway?` };
    if (!policy.allow_untrusted) {
      return {
        kind: "refuse",
        reason: `${name} is untrusted and the policy does not allow untrusted plugins`,
      };
    }
  }
  const min = policy.min_security_level;
  if (min && level !== "untrusted" && SECURITY_LEVELS.indexOf(level) < SECURITY_LEVELS.indexOf(min)) {
    return { kind: "refuse", reason: `${name} is ${level}; the policy needs at least ${min}` };
  }
  return { kind: "allow" };
}
