/**
 * Whether a plugin runs sandboxed, runs plain with a warning, or is refused: the one place that
 * weighs the author's `sandbox_required`, the user's `require_sandbox` and what the machine can
 * do. Pure: the runner probes the machine, the install and run operations act on the answer.
 */
import { sandboxPolicy } from "./sandbox-policy.ts";
import type { Enforcement, PluginGrant, SandboxSupport } from "./sandbox-policy.types.ts";

export interface EnforcementOptions {
  /** The user's policy: refuse to run anything unsandboxed (`--require-sandbox`). */
  require_sandbox?: boolean;
  /** The user chose to run without the sandbox (`--no-sandbox`); still refused when the author requires one. */
  disable_sandbox?: boolean;
}

/** What is missing for a sandbox on this machine, in words that say what to install or enable. */
export function missingSandbox(support: SandboxSupport): string | undefined {
  if (support.bwrap && support.namespaces) return undefined;
  if (!support.bwrap)
    return support.problem ?? "bubblewrap (`bwrap`) is not installed (Debian: apt-get install bubblewrap)";
  return (
    support.problem ??
    "bubblewrap cannot create namespaces here (enable unprivileged user namespaces, or run as root)"
  );
}

/** Decides how `grant` runs on a machine with `support`. */
export function decideEnforcement(
  grant: PluginGrant,
  support: SandboxSupport,
  options: EnforcementOptions = {},
): Enforcement {
  const policy = sandboxPolicy(grant);
  const missing = options.disable_sandbox
    ? "the sandbox was turned off (--no-sandbox)"
    : missingSandbox(support);
  if (missing === undefined) return { mode: "sandbox", policy };
  if (grant.sandbox_required) {
    return {
      mode: "refuse",
      reason: "sandbox_required",
      missing,
      message: `${grant.name} requires a sandbox (security.sandbox_required) and none is available: ${missing}`,
    };
  }
  if (options.require_sandbox) {
    return {
      mode: "refuse",
      reason: "require_sandbox",
      missing,
      message: `the policy requires a sandbox (require_sandbox) and none is available for ${grant.name}: ${missing}`,
    };
  }
  return {
    mode: "plain",
    policy,
    warning: `warning: ${grant.name} runs without a sandbox, its permissions are not enforced: ${missing}`,
  };
}
