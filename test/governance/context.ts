import type { GovernanceContext, PluginChange, VersionView } from "../../core/governance/governance.types.ts";
import type { Manifest } from "../../core/manifest.types.ts";
import type { Entry } from "../../core/registry.types.ts";

/** Test helpers: small governance contexts built from plain values. */
export const AUTHOR = { id: 1001, login: "alice" };
export const MAINTAINER = { github_id: 9, login: "maint" };

export function entry(name: string, ownerIds: number[], extra: Partial<Entry> = {}): Entry {
  return {
    name,
    owners: ownerIds.map((id) => ({ github_id: id, login: `user${id}` })),
    repository: `example/${name}`,
    ...extra,
  };
}

export function manifest(name: string, version: string, security: Manifest["security"] = {}): Manifest {
  return {
    metadata: { name, version, description: "d", author: "a" },
    specification: {
      spec_version: "0.1.0",
      supported_providers: ["aws"],
      service_definition: { service_name: "s", package_name: "p", methods: ["M"] },
    },
    security,
    installation: { installation_method: "binary" },
  };
}

export function view(
  name: string,
  version: string,
  security: Manifest["security"] = {},
  hasBundle = false,
): VersionView {
  return {
    version,
    file: `registry/plugins/${name}/versions/${version}.json`,
    manifest: manifest(name, version, security),
    hasBundle,
  };
}

export function plugin(name: string, parts: Partial<PluginChange> = {}): PluginChange {
  return {
    name,
    entryFile: `registry/plugins/${name}/entry.json`,
    entryChanged: false,
    addedVersions: [],
    previousVersions: [],
    baseVersions: [],
    headVersions: [],
    ...parts,
  };
}

export function context(parts: Partial<GovernanceContext> = {}): GovernanceContext {
  return {
    registryPath: "registry",
    author: AUTHOR,
    maintainers: [MAINTAINER],
    changes: [],
    plugins: [],
    baseNames: [],
    ...parts,
  };
}

/** Codes and pointers of findings, the part tests assert. */
export function codes(findings: { code: string; pointer: string }[]): string[] {
  return findings.map((f) => `${f.code} ${f.pointer}`);
}
