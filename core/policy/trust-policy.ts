import type { Finding } from "../findings.types.ts";
import { SECURITY_LEVELS, type SecurityLevel } from "../manifest.types.ts";
import type { SignatureKind } from "../signature/signature.types.ts";

/** The spec's per-source and global security policy settings. */
export interface SecurityPolicy {
  min_security_level?: SecurityLevel;
  allow_untrusted?: boolean;
  require_signature?: boolean;
  prompt_for_untrusted?: boolean;
}

export type PolicyDecision =
  | { kind: "allow" }
  | { kind: "refuse"; findings: Finding[] }
  | { kind: "ask"; question: string };

/**
 * What the security policy says about installing a plugin at this security level with this kind
 * of verified signature. Pure: the caller prompts or refuses. Refusals are final (no `--yes`
 * overrides them): unsigned under `require_signature`; any level below `min_security_level`, with
 * `untrusted` the lowest of all; `untrusted` where untrusted plugins are neither allowed nor to be
 * asked about. An `untrusted` plugin the policy does not refuse is asked about when
 * `prompt_for_untrusted` is set.
 */
export function decidePolicy(
  name: string,
  level: SecurityLevel,
  signature: SignatureKind,
  policy: SecurityPolicy,
): PolicyDecision {
  const refuse = (pointer: string, message: string): PolicyDecision => ({
    kind: "refuse",
    findings: [{ code: "SECURITY_POLICY_VIOLATION", severity: "error", message, file: name, pointer }],
  });
  if (policy.require_signature && signature === "none") {
    return refuse("/security/signature", `${name} is not signed and the policy requires signatures`);
  }
  const min = policy.min_security_level;
  if (min && SECURITY_LEVELS.indexOf(level) < SECURITY_LEVELS.indexOf(min)) {
    return refuse("/security/security_level", `${name} is ${level}; the policy needs at least ${min}`);
  }
  if (level === "untrusted") {
    if (policy.prompt_for_untrusted)
      return { kind: "ask", question: `${name} is untrusted. Install it anyway?` };
    if (!policy.allow_untrusted) {
      return refuse(
        "/security/security_level",
        `${name} is untrusted and the policy does not allow untrusted plugins`,
      );
    }
  }
  return { kind: "allow" };
}

/**
 * The level a plugin from a source without governance (a folder, manifest URLs, a git checkout)
 * counts as: nothing pins its signers, so its claim is capped at the configured
 * `default_security_level`, which is `untrusted` unless the user raised it (to `community` at
 * most: core/config/discovery-config.ts refuses more).
 */
export function ungovernedLevel(
  claimed: SecurityLevel | undefined,
  ceiling: SecurityLevel = "untrusted",
): SecurityLevel {
  if (!claimed) return "untrusted";
  return SECURITY_LEVELS.indexOf(claimed) < SECURITY_LEVELS.indexOf(ceiling) ? claimed : ceiling;
}
