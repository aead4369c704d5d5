import type { Finding } from "../../findings.types.ts";
import { classifyChangedPath } from "../classify.ts";
import type { GovernanceContext, GovernanceRule } from "../governance.types.ts";

function addsBundleToPublished(
  ctx: GovernanceContext,
  kind: { kind: string; plugin: string; version: string },
): boolean {
  if (kind.kind !== "bundle") return false;
  return ctx.plugins.some((p) => p.name === kind.plugin && p.baseVersions.includes(kind.version));
}

/**
 * VERSION_IMMUTABLE (R3): a merged `versions/<version>.json` (or its Sigstore bundle) may not be
 * modified or deleted, by anyone. Yank through entry.json instead. Git reports only paths that
 * existed in the base commit as modified or deleted. An added manifest is new, but adding a Sigstore
 * bundle to a published version changes that version too.
 */
export const versionImmutable: GovernanceRule = (ctx) => {
  const findings: Finding[] = [];
  for (const change of ctx.changes) {
    const kind = classifyChangedPath(ctx.registryPath, change.path);
    if (kind.kind !== "version" && kind.kind !== "bundle") continue;
    if (change.status === "added" && !addsBundleToPublished(ctx, kind)) continue;
    findings.push({
      code: "VERSION_IMMUTABLE",
      severity: "error",
      message: `${kind.plugin} ${kind.version} is published: ${change.path} may not be ${change.status === "deleted" ? "deleted" : change.status === "added" ? "added" : "modified"}. Publish a new version, or yank this one in entry.json ("yanked": {"${kind.version}": "reason"}).`,
      file: change.path,
      pointer: "",
    });
  }
  return findings;
};
