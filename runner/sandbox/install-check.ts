/**
 * Install's half of "when there is no sandbox": a plugin whose manifest says `sandbox_required`
 * is refused before anything is downloaded when this machine cannot sandbox it (the same decision
 * `run` makes, from core/permissions/).
 */
import type { Manifest } from "../../core/manifest.types.ts";
import { decideEnforcement } from "../../core/permissions/enforcement.ts";
import type { SandboxSupport } from "../../core/permissions/sandbox-policy.types.ts";
import { RunnerError } from "../errors.ts";
import { manifestGrant } from "./grant.ts";
import { probeSandbox } from "./probe.ts";

/** Throws SANDBOX_UNAVAILABLE when `manifest` requires a sandbox and `support` has none. */
export function assertSandboxForInstall(manifest: Manifest, support: SandboxSupport = probeSandbox()): void {
  if (!manifest.security?.sandbox_required) return;
  const name = manifest.metadata.name;
  const decision = decideEnforcement(
    manifestGrant(
      name,
      manifest,
      manifest.security.permissions ?? [],
      manifest.security.security_level ?? "untrusted",
    ),
    support,
  );
  if (decision.mode === "refuse") {
    throw new RunnerError("SANDBOX_UNAVAILABLE", `${decision.message}; nothing was installed`, {
      name,
      version: manifest.metadata.version,
      reason: decision.reason,
      missing: decision.missing,
    });
  }
}
