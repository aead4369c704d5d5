import { hash } from "node:crypto";
import semver from "semver";
import { append } from "../findings.ts";
import type { Finding } from "../findings.types.ts";
import type { Dependency } from "../manifest.types.ts";
import type { Entry, RegistryConfig, VersionRecord } from "../registry.types.ts";
import type { KnownVersion } from "../rules/rule.types.ts";
import { validateManifest } from "../validate/validate-manifest.ts";
import { bundleFile, entryFile, versionFile, versionsDir } from "./layout.ts";

/** What a plugin's versions/ folder holds, from its listing alone (nothing parsed). */
export interface PluginFiles {
  name: string;
  versionFiles: string[];
  bundles: Set<string>;
  others: string[];
}

export interface PluginWork {
  listing: PluginFiles;
  entry?: Entry;
}

export interface PluginResult {
  name: string;
  /** Valid versions only, ascending by SemVer precedence; empty when manifests are not kept. */
  versions: VersionRecord[];
  /** The valid versions' numbers, ascending (kept either way). */
  validVersions: string[];
  /** The latest valid version's file and dependencies, for registry-wide cycle checks. */
  latest?: { file: string; dependencies: Dependency[] };
  findings: Finding[];
  manifests: number;
}

/**
 * Validates every manifest of one plugin in registry context and checks its folder. The unit of
 * work that the main thread or a worker thread runs.
 */
export async function validatePlugin(
  work: PluginWork,
  config: RegistryConfig | undefined,
  lookup: (name: string) => readonly KnownVersion[] | undefined,
  read: (rel: string) => Promise<Uint8Array | undefined>,
  keepManifests = true,
): Promise<PluginResult> {
  const { listing: l, entry } = work;
  const findings: Finding[] = [];
  const versions: VersionRecord[] = [];
  let manifests = 0;
  // One await per plugin, not per file: the files are read together, then checked in order.
  const contents = await Promise.all(l.versionFiles.map((version) => read(versionFile(l.name, version))));
  for (const [i, version] of l.versionFiles.entries()) {
    const file = versionFile(l.name, version);
    const bytes = contents[i];
    if (!bytes) continue;
    manifests++;
    const hasBundle = l.bundles.has(version);
    const result = validateManifest(bytes, file, {
      path: { name: l.name, version },
      ...(config ? { config } : {}),
      ...(entry ? { entry } : {}),
      hasBundle,
      lookup,
    });
    append(findings, result.findings);
    if (result.value && !result.findings.some((f) => f.severity === "error")) {
      versions.push({
        version,
        file,
        manifest: result.value,
        sha256: keepManifests ? hash("sha256", bytes) : "",
        ...(hasBundle ? { bundleFile: bundleFile(l.name, version) } : {}),
      });
    }
  }
  append(findings, listingFindings(l, entry));
  versions.sort((a, b) => semver.compare(a.version, b.version));
  const last = versions.at(-1);
  const latest = last && { file: last.file, dependencies: last.manifest.requirements?.dependencies ?? [] };
  return {
    name: l.name,
    versions: keepManifests ? versions : [],
    validVersions: versions.map((v) => v.version),
    ...(latest ? { latest } : {}),
    findings,
    manifests,
  };
}

/** Files that do not belong, bundles without a manifest, yanks of versions that do not exist. */
function listingFindings(l: PluginFiles, entry: Entry | undefined): Finding[] {
  const out: Finding[] = [];
  const versions = new Set(l.versionFiles);
  for (const other of l.others) {
    out.push({
      code: "ORPHAN_FILE",
      severity: "warning",
      message: "only <version>.json manifests and <version>.sigstore.json bundles belong in versions/",
      file: `${versionsDir(l.name)}/${other}`,
      pointer: "",
    });
  }
  for (const version of l.bundles) {
    if (!versions.has(version)) {
      out.push({
        code: "ORPHAN_FILE",
        severity: "error",
        message: `a Sigstore bundle for ${version}, which has no manifest: add ${version}.json or remove the bundle`,
        file: bundleFile(l.name, version),
        pointer: "",
      });
    }
  }
  for (const version of Object.keys(entry?.yanked ?? {})) {
    if (!versions.has(version)) {
      out.push({
        code: "ENTRY_INVALID",
        severity: "error",
        message: `yanks version ${version}, which was never published`,
        file: entryFile(l.name),
        pointer: `/yanked/${version.replaceAll("~", "~0").replaceAll("/", "~1")}`,
      });
    }
  }
  return out;
}
