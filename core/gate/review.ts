import type { FileChange, PluginChange } from "../governance/governance.types.ts";
import type { Manifest } from "../manifest.types.ts";
import { SECURITY_LEVELS } from "../manifest.types.ts";
import type { Signers } from "../registry.types.ts";
import { pemFingerprint } from "../signature/keys.ts";
import type { VersionReport } from "./report.types.ts";
import type { Review, VersionChange } from "./review.types.ts";

export type { Review, SignerChange, VersionChange } from "./review.types.ts";

const level = (m: Manifest | undefined) => m?.security?.security_level ?? (m ? "untrusted" : undefined);

function setDiff(
  before: readonly string[],
  after: readonly string[],
): { added: string[]; removed: string[] } {
  return {
    added: after.filter((x) => !before.includes(x)).sort(),
    removed: before.filter((x) => !after.includes(x)).sort(),
  };
}

function versionChange(
  plugin: string,
  added: PluginChange["addedVersions"][number],
  prev?: PluginChange["previousVersions"][number],
): VersionChange {
  const now = added.manifest;
  const was = prev?.manifest;
  const deps = (m: Manifest | undefined) =>
    new Map((m?.requirements?.dependencies ?? []).map((d) => [d.name, d.version_constraint]));
  const [before, after] = [deps(was), deps(now)];
  const names = setDiff([...before.keys()], [...after.keys()]);
  const from = level(was);
  const to = level(now);
  return {
    plugin,
    version: added.version,
    ...(prev ? { previous: prev.version } : {}),
    permissions: prev
      ? setDiff(was?.security?.permissions ?? [], now?.security?.permissions ?? [])
      : setDiff([], now?.security?.permissions ?? []),
    securityLevel: { ...(from ? { from } : {}), ...(to ? { to } : {}) },
    dependencies: {
      ...names,
      changed: [...after.keys()].filter((n) => before.has(n) && before.get(n) !== after.get(n)).sort(),
    },
  };
}

function signerNames(signers: Signers | undefined): string[] {
  return [
    ...(signers?.keys ?? []).map((k) => `key ${pemFingerprint(k) ?? "(unreadable)"}`),
    ...(signers?.sigstore ?? []).map((s) => `${s.identity} (${s.issuer})`),
  ];
}

/**
 * The review of a change, decided once for the PR comment, the `gate` command and the Action's
 * `auto-merge-eligible` output: what each new version changes against the previous one, what the
 * change does to pinned signers, and whether it may merge without a person. Eligible only when the
 * gate passes, every changed file adds a version file to an existing plugin (no entry, config or
 * other file), and every new version was verified against a signer pinned in the base entry, asks
 * for no permission the previous version did not have, and keeps its security level.
 */
export function reviewChange(
  plugins: readonly PluginChange[],
  changes: readonly FileChange[],
  versions: readonly VersionReport[],
  passed: boolean,
): Review {
  const versionChanges = plugins.flatMap((p) =>
    p.addedVersions.map((v, i) => versionChange(p.name, v, p.previousVersions[i])),
  );
  const signers = plugins
    .filter((p) => p.entryChanged)
    .map((p) => ({
      plugin: p.name,
      ...setDiff(signerNames(p.baseEntry?.signers), signerNames(p.headEntry?.signers)),
    }))
    .filter((s) => s.added.length + s.removed.length > 0);
  const reasons: string[] = [];
  if (!passed) reasons.push("the gate did not pass");
  const addedFiles = new Set(plugins.flatMap((p) => p.addedVersions.map((v) => v.file)));
  const bundles = (path: string) =>
    path.endsWith(".sigstore.json") && addedFiles.has(path.replace(/\.sigstore\.json$/, ".json"));
  if (
    changes.length === 0 ||
    changes.some((c) => c.status !== "added" || !(addedFiles.has(c.path) || bundles(c.path)))
  )
    reasons.push("it changes files other than new version manifests and their bundles");
  for (const p of plugins) if (!p.baseEntry) reasons.push(`${p.name} is a new plugin`);
  for (const v of versionChanges) {
    const row = versions.find((r) => r.plugin === v.plugin && r.version === v.version);
    if (!row?.artifact?.signer)
      reasons.push(`${v.plugin} ${v.version} is not verified against a pinned signer`);
    if (v.permissions.added.length > 0)
      reasons.push(`${v.plugin} ${v.version} asks for new permissions: ${v.permissions.added.join(", ")}`);
    const { from, to } = v.securityLevel;
    if (
      !v.previous ||
      !from ||
      !to ||
      SECURITY_LEVELS.indexOf(to as never) !== SECURITY_LEVELS.indexOf(from as never)
    )
      reasons.push(
        `${v.plugin} ${v.version} ${v.previous ? `changes the security level (${from} → ${to})` : "has no previous version to compare with"}`,
      );
  }
  if (versionChanges.length === 0) reasons.push("it adds no version");
  return { versions: versionChanges, signers, autoMerge: { eligible: reasons.length === 0, reasons } };
}
