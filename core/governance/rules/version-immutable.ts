import type { Finding } from "../../findings.types.ts";
import { classifyPath } from "../classify.ts";
import type { GovernanceRule } from "../governance.types.ts";

/**
 * VERSION_IMMUTABLE (R3): a merged `versions/<version>.json` (or its Sigstore bundle) may not be
 * modified or deleted, by anyone. Yank through entry.json instead. Git reports only paths that
 * existed in the base commit as modified or deleted, so an added path is always new.
 */
export const versionImmutable: GovernanceRule = (ctx) => {
  const findings: Finding[] = [];
  for (const change of ctx.changes) {
    if (change.status === "added") continue;
    const kind = classifyPath(ctx.registryPath, change.path);
    if (kind.kind !== "version" && kind.kind !== "bundle") continue;
    findings.push({
      code: "VERSION_IMMUTABLE",
      severity: "error",
      message: `${kind.plugin} ${kind.version} is published: ${change.path} may not be ${change.status === "deleted" ? "deleted" : "modified"}. Publish a new version, or yank this one in entry.json ("yanked": {"${kind.version}": "reason"}).`,
      file: change.path,
      pointer: "",
    });
  }
  return findings;
};
