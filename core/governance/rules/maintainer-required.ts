import type { Finding } from "../../findings.types.ts";
import { SECURITY_LEVELS } from "../../manifest.types.ts";
import type { Entry } from "../../registry.types.ts";
import { accountIds, authorIsMaintainer } from "../accounts.ts";
import type { GovernanceRule, PluginChange } from "../governance.types.ts";

/** Stable JSON for comparing two values regardless of key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The governance fields of entry.json an owner may not change alone, with their pointers. */
function changedGovernance(base: Entry, head: Entry): string[] {
  const changed: string[] = [];
  if (base.name !== head.name) changed.push("/name");
  if (accountIds(base.owners) !== accountIds(head.owners)) changed.push("/owners");
  if (base.repository !== head.repository) changed.push("/repository");
  if (canonical(base.signers ?? {}) !== canonical(head.signers ?? {})) changed.push("/signers");
  return changed;
}

function entryFindings(plugin: PluginChange): Finding[] {
  if (!plugin.baseEntry || !plugin.entryChanged) return [];
  if (!plugin.headEntry) {
    return [
      {
        code: "MAINTAINER_REQUIRED",
        severity: "error",
        message: `Deleting or breaking ${plugin.entryFile} removes ${plugin.name}'s governance: only a maintainer may do that. To retire a plugin, set "deprecated": true.`,
        file: plugin.entryFile,
        pointer: "",
      },
    ];
  }
  return changedGovernance(plugin.baseEntry, plugin.headEntry).map((pointer) => ({
    code: "MAINTAINER_REQUIRED" as const,
    severity: "error" as const,
    message: `Changing ${pointer.slice(1)} of ${plugin.name} needs a registry maintainer (takeover protection). Owners may only deprecate and yank; ask a maintainer to make this change.`,
    file: plugin.entryFile,
    pointer,
  }));
}

function levelFindings(plugin: PluginChange): Finding[] {
  const findings: Finding[] = [];
  plugin.addedVersions.forEach((added, i) => {
    const previous = plugin.previousVersions[i];
    const before = previous?.manifest?.security?.security_level ?? "untrusted";
    const after = added.manifest?.security?.security_level ?? "untrusted";
    if (!previous?.manifest || SECURITY_LEVELS.indexOf(after) <= SECURITY_LEVELS.indexOf(before)) return;
    findings.push({
      code: "MAINTAINER_REQUIRED",
      severity: "error",
      message: `${plugin.name} ${added.version} raises security_level from ${before} (${previous.version}) to ${after}: a maintainer must approve a raised trust level.`,
      file: added.file,
      pointer: "/security/security_level",
    });
  });
  return findings;
}

/**
 * MAINTAINER_REQUIRED (R2): changing owners, repository, signer pins (or the name) in entry.json,
 * deleting entry.json, or raising a version's security_level above the previous version's needs a
 * maintainer. Deprecation and yanks stay with the owners.
 */
export const maintainerRequired: GovernanceRule = (ctx) => {
  if (authorIsMaintainer(ctx)) return [];
  return ctx.plugins.flatMap((plugin) => [...entryFindings(plugin), ...levelFindings(plugin)]);
};
