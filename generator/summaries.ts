/** Per-version and per-plugin summaries: pure functions of the loaded records. */
import type { PluginSummary, SignatureKind, VersionSummary } from "../core/api/api.types.ts";
import { bundlePath, manifestPath } from "../core/api/paths.ts";
import type { Manifest, SecurityLevel } from "../core/manifest.types.ts";
import type { PluginRecord, VersionRecord } from "../core/registry.types.ts";
import { signatureKindOf } from "../core/signature/signature-kind.ts";
import { isPrerelease, latestVersion } from "../core/versions/pick.ts";

/** The manifest's claimed level; upstream's manifest schema defaults it to `untrusted`. */
export function securityLevel(manifest: Manifest): SecurityLevel {
  return manifest.security?.security_level ?? "untrusted";
}

/** How a version is signed (core's one rule). */
const signatureKind = (record: VersionRecord): SignatureKind =>
  signatureKindOf(record.manifest, record.bundleFile !== undefined);

/** The version clients get by default: core's one rule (`latestVersion`). */
export function latestRecord(plugin: PluginRecord): VersionRecord {
  const yanked = plugin.entry.yanked ?? {};
  const pick = latestVersion(
    plugin.versions.map((record) => ({
      version: record.version,
      yanked: Object.hasOwn(yanked, record.version),
      record,
    })),
  )?.record;
  if (!pick) throw new TypeError(`plugin ${plugin.name} has no versions`);
  return pick;
}

/** Sorted, de-duplicated copy (code-unit order: never locale-dependent). */
export function sortedUnique<T extends string>(values: Iterable<T>): T[] {
  return [...new Set(values)].sort();
}

/**
 * A version's summary, its members set in sorted order: canonical JSON (json.ts) then writes it as
 * it is, without a sorted copy (a full build writes one for every version, twice).
 */
export function versionSummary(
  plugin: PluginRecord,
  record: VersionRecord,
  publishedAt: string,
): VersionSummary {
  const m = record.manifest;
  const yankedReason = plugin.entry.yanked?.[record.version];
  const isYanked = plugin.entry.yanked !== undefined && Object.hasOwn(plugin.entry.yanked, record.version);
  const deps = (m.requirements?.dependencies ?? [])
    .map((d) => ({ name: d.name, optional: d.optional ?? false, version_constraint: d.version_constraint }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const summary: Partial<VersionSummary> = {};
  if (record.bundleFile !== undefined) summary.bundle_url = bundlePath(plugin.name, record.version);
  if (m.installation.checksum !== undefined) summary.checksum = m.installation.checksum;
  if (m.installation.checksum_algorithm !== undefined)
    summary.checksum_algorithm = m.installation.checksum_algorithm;
  summary.dependencies = deps;
  if (m.installation.download_url !== undefined) summary.download_url = m.installation.download_url;
  summary.installation_method = m.installation.installation_method;
  summary.manifest_sha256 = record.sha256;
  summary.manifest_url = manifestPath(plugin.name, record.version);
  if (m.requirements?.max_spec_version !== undefined)
    summary.max_spec_version = m.requirements.max_spec_version;
  if (m.requirements?.min_spec_version !== undefined)
    summary.min_spec_version = m.requirements.min_spec_version;
  summary.prerelease = isPrerelease(record.version);
  summary.published_at = publishedAt;
  summary.security_level = securityLevel(m);
  summary.signature_kind = signatureKind(record);
  summary.spec_version = m.specification.spec_version;
  summary.version = record.version;
  summary.yanked = isYanked;
  if (isYanked && yankedReason !== undefined) summary.yanked_reason = yankedReason;
  return summary as VersionSummary;
}

export function pluginSummary(plugin: PluginRecord, latest: VersionRecord, updatedAt: string): PluginSummary {
  const m = latest.manifest;
  const resources = Object.values(m.specification.supported_resources ?? {}).flatMap(
    (r) => r?.resource_types ?? [],
  );
  return {
    name: plugin.name,
    latest_version: latest.version,
    description: m.metadata.description,
    author: m.metadata.author,
    providers: sortedUnique(m.specification.supported_providers),
    capabilities: sortedUnique(m.specification.capabilities ?? []),
    keywords: sortedUnique(m.metadata.keywords ?? []),
    resource_types: sortedUnique(resources),
    security_level: securityLevel(m),
    signature_kind: signatureKind(latest),
    installation_method: m.installation.installation_method,
    deprecated: plugin.entry.deprecated ?? false,
    updated_at: updatedAt,
    version_count: plugin.versions.length,
  };
}
