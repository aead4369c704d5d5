/**
 * Writes a synthetic registry of realistic manifests for benchmarks: `plugins` plugins with
 * `versions` versions each, dependencies on a shared helper, some yanks, configuration on one
 * plugin in four. Deterministic: the same arguments give the same bytes.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface SyntheticOptions {
  plugins: number;
  versions: number;
}

const PROVIDERS = ["aws", "azure", "gcp", "kubernetes", "custom"] as const;

export function pluginName(i: number): string {
  return `bench-plugin-${String(i).padStart(5, "0")}`;
}

export function syntheticManifest(name: string, version: string, i: number): Record<string, unknown> {
  const provider = PROVIDERS[i % PROVIDERS.length] as string;
  const manifest: Record<string, unknown> = {
    metadata: {
      name,
      version,
      description: `Synthetic cost source number ${i} for ${provider}, used to measure the registry at scale`,
      author: `Bench Author ${i % 97}`,
      homepage: `https://example.com/${name}`,
      repository: `https://github.com/bench/${name}`,
      license: "Apache-2.0",
      keywords: ["bench", provider, "cost"],
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-06-01T00:00:00Z",
    },
    specification: {
      spec_version: "0.1.0",
      supported_providers: [provider],
      supported_resources: {
        [provider]: { resource_types: ["compute", "storage", "network"], billing_modes: ["per_hour"] },
      },
      capabilities: ["cost_retrieval", "cost_projection"],
      service_definition: {
        service_name: "CostSourceService",
        package_name: "finfocus.v1",
        methods: ["Name", "Supports", "GetActualCost", "GetProjectedCost"],
        port: 50051,
      },
    },
    security: { security_level: "community", permissions: ["network_access", "config_read"] },
    installation: {
      installation_method: "binary",
      download_url: `https://github.com/bench/${name}/releases/download/v${version}/${name}-${version}.tar.gz`,
      checksum: (i * 2654435761).toString(16).padStart(8, "0").repeat(8).slice(0, 64),
      checksum_algorithm: "sha256",
    },
    requirements: {
      min_spec_version: "0.1.0",
      dependencies: i === 0 ? [] : [{ name: pluginName(0), version_constraint: "^1.0.0" }],
    },
  };
  if (i % 4 === 0) {
    manifest.configuration = {
      schema: JSON.stringify({
        type: "object",
        properties: { api_key: { type: "string" }, region: { type: "string" }, timeout: { type: "integer" } },
        required: ["api_key"],
      }),
      default_config: JSON.stringify({ timeout: 30 }),
      required_fields: ["api_key"],
    };
  }
  return manifest;
}

/** Writes the registry under `dir` and returns the number of manifests written. */
export function writeSyntheticRegistry(dir: string, options: SyntheticOptions): number {
  writeFileSync(
    path.join(dir, "config.json"),
    JSON.stringify({
      name: "Bench registry",
      base_url: "https://bench.example",
      spec_version: "0.1.0",
      maintainers: [{ github_id: 1, login: "maintainer" }],
    }),
  );
  let count = 0;
  for (let i = 0; i < options.plugins; i++) {
    const name = pluginName(i);
    const versionsDir = path.join(dir, "plugins", name, "versions");
    mkdirSync(versionsDir, { recursive: true });
    const entry: Record<string, unknown> = {
      name,
      owners: [{ github_id: 1000 + i, login: `author${i}` }],
      repository: `bench/${name}`,
    };
    if (i % 10 === 3) entry.yanked = { "1.0.1": "broken build" };
    writeFileSync(path.join(dir, "plugins", name, "entry.json"), `${JSON.stringify(entry, null, 2)}\n`);
    for (let v = 0; v < options.versions; v++) {
      const version = `1.${Math.floor(v / 3)}.${v % 3}`;
      const text = `${JSON.stringify(syntheticManifest(name, version, i), null, 2)}\n`;
      writeFileSync(path.join(versionsDir, `${version}.json`), text);
      count++;
    }
  }
  return count;
}
