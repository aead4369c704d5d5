/**
 * Writes a registry's static API (core/api/api.types.ts) into a test server's file map, with real
 * archives: the documents the runner reads, shaped exactly as the generator's contract says.
 */
import { createHash } from "node:crypto";
import type {
  DiscoveryDocument,
  PluginDocument,
  PluginIndexDocument,
  VersionIndexDocument,
  VersionSummary,
} from "../../../core/api/api.types.ts";
import type { Manifest, Permission, SecurityLevel } from "../../../core/manifest.types.ts";
import { tarGz } from "./archives.ts";
import type { StaticServer } from "./server.ts";

export interface VersionSpec {
  version: string;
  deps?: { name: string; version_constraint: string; optional?: boolean }[];
  yanked?: boolean;
  archive?: Uint8Array;
  /** Serve these bytes instead of the archive the manifest's checksum describes (T1). */
  tamperedArchive?: Uint8Array;
  security_level?: SecurityLevel;
  permissions?: Permission[];
  edit?: (m: Manifest) => void;
  /** A Sigstore bundle (JSON) served as the version's bundle.sigstore.json. */
  bundle?: unknown;
}

export interface PluginSpec {
  name: string;
  versions: VersionSpec[];
  deprecated?: boolean;
  keys?: string[];
  sigstore?: { identity: string; issuer: string }[];
}

export function defaultArchive(name: string, version: string): Uint8Array {
  return tarGz([
    { path: `finfocus-plugin-${name}`, data: `#!/bin/sh\necho ${name} ${version}\n`, mode: 0o755 },
    { path: "LICENSE", data: "Apache-2.0\n" },
  ]);
}

export function manifestFor(name: string, v: VersionSpec, url: string, archive: Uint8Array): Manifest {
  const m: Manifest = {
    metadata: { name, version: v.version, description: `${name} plugin`, author: "Test" },
    specification: {
      spec_version: "0.1.0",
      supported_providers: ["aws"],
      service_definition: {
        service_name: "CostSource",
        package_name: "finfocus.v1",
        methods: ["GetProjectedCost"],
      },
    },
    security: { security_level: v.security_level ?? "community", permissions: v.permissions ?? [] },
    installation: {
      installation_method: "binary",
      download_url: url,
      checksum: createHash("sha256").update(archive).digest("hex"),
      checksum_algorithm: "sha256",
    },
    requirements: {
      dependencies: (v.deps ?? []).map((d) => ({ ...d })),
    },
  };
  v.edit?.(m);
  return m;
}

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);

/** Publishes the plugins on the server; returns their manifests by "name@version". */
export function publish(server: StaticServer, plugins: PluginSpec[]): Map<string, Manifest> {
  const manifests = new Map<string, Manifest>();
  const discovery: DiscoveryDocument = {
    api_version: "v1",
    api_root: "api/v1/",
    registry_name: "test",
    base_url: server.url,
    spec_versions: ["0.1.0"],
    generated_at: "2026-01-01T00:00:00Z",
    plugin_count: plugins.length,
  };
  server.files.set("/.well-known/finfocus-registry.json", json(discovery));
  const index: PluginIndexDocument = { api_version: "v1", generated_at: discovery.generated_at, plugins: [] };
  for (const p of plugins) {
    const rows: VersionSummary[] = [];
    let latest: Manifest | undefined;
    for (const v of p.versions) {
      const archive = v.archive ?? defaultArchive(p.name, v.version);
      const file = `/artifacts/${p.name}-${v.version}.tar.gz`;
      server.files.set(file, v.tamperedArchive ?? archive);
      const m = manifestFor(p.name, v, `${server.url}${file}`, archive);
      manifests.set(`${p.name}@${v.version}`, m);
      const manifestPath = `api/v1/plugins/${p.name}/versions/${v.version}/manifest.json`;
      server.files.set(`/${manifestPath}`, json(m));
      const bundlePath = `api/v1/plugins/${p.name}/versions/${v.version}/bundle.sigstore.json`;
      if (v.bundle !== undefined) server.files.set(`/${bundlePath}`, json(v.bundle));
      rows.push({
        version: v.version,
        manifest_sha256: createHash("sha256").update(json(m)).digest("hex"),
        ...(m.installation.checksum ? { checksum: m.installation.checksum } : {}),
        checksum_algorithm: "sha256",
        ...(m.installation.download_url ? { download_url: m.installation.download_url } : {}),
        installation_method: m.installation.installation_method,
        spec_version: m.specification.spec_version,
        ...(m.requirements?.min_spec_version ? { min_spec_version: m.requirements.min_spec_version } : {}),
        ...(m.requirements?.max_spec_version ? { max_spec_version: m.requirements.max_spec_version } : {}),
        dependencies: (m.requirements?.dependencies ?? []).map((d) => ({
          ...d,
          optional: d.optional === true,
        })),
        security_level: m.security?.security_level ?? "untrusted",
        signature_kind: v.bundle !== undefined ? "sigstore" : m.security?.signature ? "key" : "none",
        yanked: v.yanked === true,
        prerelease: v.version.includes("-"),
        published_at: "2026-01-01T00:00:00Z",
        manifest_url: manifestPath,
        ...(v.bundle !== undefined ? { bundle_url: bundlePath } : {}),
      });
      if (!v.yanked && !v.version.includes("-")) latest = m;
    }
    const latestManifest = latest ?? manifests.get(`${p.name}@${p.versions.at(-1)?.version}`)!;
    const versionsDoc: VersionIndexDocument = { api_version: "v1", name: p.name, versions: rows };
    server.files.set(`/api/v1/plugins/${p.name}/versions/index.json`, json(versionsDoc));
    const doc: PluginDocument = {
      api_version: "v1",
      name: p.name,
      owners: [{ github_id: 1, login: "owner" }],
      repository: `example/${p.name}`,
      signers: { keys: p.keys ?? [], sigstore: p.sigstore ?? [] },
      deprecated: p.deprecated === true,
      latest_version: latestManifest.metadata.version,
      latest: latestManifest,
      versions: rows,
      versions_url: `api/v1/plugins/${p.name}/versions/index.json`,
      feed_url: `api/v1/plugins/${p.name}/feed.xml`,
    };
    server.files.set(`/api/v1/plugins/${p.name}/index.json`, json(doc));
    index.plugins.push({
      name: p.name,
      latest_version: latestManifest.metadata.version,
      description: latestManifest.metadata.description,
      author: "Test",
      providers: ["aws"],
      capabilities: [],
      keywords: [],
      resource_types: [],
      security_level: latestManifest.security?.security_level ?? "untrusted",
      signature_kind: "none",
      installation_method: "binary",
      deprecated: p.deprecated === true,
      updated_at: "2026-01-01T00:00:00Z",
      version_count: p.versions.length,
    });
  }
  server.files.set("/api/v1/plugins/index.json", json(index));
  return manifests;
}
