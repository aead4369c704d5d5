import type { Finding } from "../../findings.types.ts";
import { SECURITY_LEVELS } from "../../manifest.types.ts";
import type { Entry } from "../../registry.types.ts";
import { accountIds, maintainerApproved } from "../accounts.ts";
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

/** What a plugin's first entry.json may pin without a maintainer: nothing. */
function newPluginFindings(plugin: PluginChange): Finding[] {
  if (plugin.baseEntry || !plugin.headEntry) return [];
  const signers = plugin.headEntry.signers;
  if ((signers?.keys?.length ?? 0) === 0 && (signers?.sigstore?.length ?? 0) === 0) return [];
  return [
    {
      code: "MAINTAINER_REQUIRED",
      severity: "error",
      message: `${plugin.name} is a new plugin that pins signers in its first entry.json: pins are what "verified" is checked against, so a maintainer must approve them, as for a change of pins. Ask a maintainer to approve this pull request, or publish without pins first.`,
      file: plugin.entryFile,
      pointer: "/signers",
    },
  ];
}

/** The level a version may claim without a maintainer when no version comes before it. */
const FIRST_LEVEL = "community";

function levelFindings(plugin: PluginChange): Finding[] {
  const findings: Finding[] = [];
  plugin.addedVersions.forEach((added, i) => {
    const previous = plugin.previousVersions[i];
    if (previous && !previous.manifest) return;
    const before = previous?.manifest?.security?.security_level ?? FIRST_LEVEL;
    const after = added.manifest?.security?.security_level ?? "untrusted";
    if (SECURITY_LEVELS.indexOf(after) <= SECURITY_LEVELS.indexOf(before)) return;
    findings.push({
      code: "MAINTAINER_REQUIRED",
      severity: "error",
      message: previous
        ? `${plugin.name} ${added.version} raises security_level from ${before} (${previous.version}) to ${after}: a maintainer must approve a raised trust level.`
        : `${plugin.name} ${added.version} claims security_level ${after} with no earlier version: a first claim above ${FIRST_LEVEL} needs a maintainer's approval.`,
      file: added.file,
      pointer: "/security/security_level",
    });
  });
  return findings;
}

/**
 * MAINTAINER_REQUIRED (R2, R7): trust is granted by maintainers. Changing owners, repository,
 * signer pins (or the name) in entry.json, deleting entry.json, pinning signers in a new plugin's
 * first entry.json, raising a version's security_level above the previous version's, or claiming
 * more than community with no previous version (a new plugin's first `verified` or `official`)
 * needs a maintainer: as author, or by an approving review on the head commit that still stands.
 * Deprecation and yanks stay with the owners.
 */
export const maintainerRequired: GovernanceRule = (ctx) => {
  if (maintainerApproved(ctx)) return [];
  return ctx.plugins.flatMap((plugin) => [
    ...entryFindings(plugin),
    ...newPluginFindings(plugin),
    ...levelFindings(plugin),
  ]);
};
