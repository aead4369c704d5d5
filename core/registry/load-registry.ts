import { hash } from "node:crypto";
import semver from "semver";
import type { Finding } from "../findings.types.ts";
import type { Entry, PluginRecord, RegistryConfig, VersionRecord } from "../registry.types.ts";
import type { KnownVersion } from "../rules/rule.types.ts";
import { validateConfig, validateEntry } from "../validate/validate-documents.ts";
import { validateManifest } from "../validate/validate-manifest.ts";
import { findCycles } from "./cycles.ts";
import { bundleFile, CONFIG_FILE, entryFile, PLUGINS_DIR, versionFile, versionsDir } from "./layout.ts";
import type { RegistrySource } from "./source.types.ts";

/** A loaded registry: what the generator renders and the gate compares against. */
export interface RegistrySnapshot {
  root: string;
  config: RegistryConfig;
  /** Sorted by name; each plugin's versions ascending by SemVer precedence. */
  plugins: PluginRecord[];
}

export interface RegistryStats {
  plugins: number;
  manifests: number;
  filesRead: number;
  errors: number;
  warnings: number;
}

export interface LoadedRegistry {
  /** Present when config.json is valid; plugins or versions with errors are left out of it. */
  snapshot?: RegistrySnapshot;
  findings: Finding[];
  stats: RegistryStats;
}

interface PluginListing {
  name: string;
  versionFiles: string[];
  bundles: Set<string>;
  others: string[];
}

/**
 * Loads and validates a whole registry through its source: config.json, every entry.json and
 * every manifest in registry context (dependencies resolved against the registry, spec version
 * against config.json), plus registry-wide checks (dependency cycles, orphan files, yanks of
 * versions that do not exist). Never throws on bad data.
 */
export async function loadRegistry(source: RegistrySource): Promise<LoadedRegistry> {
  const findings: Finding[] = [];
  const stats: RegistryStats = { plugins: 0, manifests: 0, filesRead: 0, errors: 0, warnings: 0 };
  const read = async (rel: string): Promise<Uint8Array | undefined> => {
    stats.filesRead++;
    return source.readFile(rel);
  };
  const config = await loadConfig(source, read, findings);

  // Listing only (no parsing) gives every plugin's versions, so each manifest is checked in one pass.
  const listings = await Promise.all(
    (await source.list(PLUGINS_DIR)).map((name) => listPlugin(source, name)),
  );
  const entries = new Map<string, Entry>();
  await Promise.all(
    listings.map(async (l) => {
      const file = entryFile(l.name);
      const bytes = await read(file);
      if (!bytes) {
        findings.push(
          missing(
            file,
            "ENTRY_INVALID",
            `plugin '${l.name}' has no entry.json: add its owners and repository`,
          ),
        );
        return;
      }
      const result = validateEntry(bytes, file, l.name);
      findings.push(...result.findings);
      if (result.value) entries.set(l.name, result.value);
    }),
  );
  const known = new Map<string, KnownVersion[]>();
  for (const l of listings) {
    const yanked = entries.get(l.name)?.yanked ?? {};
    known.set(
      l.name,
      l.versionFiles.map((v) => ({ version: v, yanked: Object.hasOwn(yanked, v) })),
    );
  }
  const lookup = (name: string): readonly KnownVersion[] | undefined => known.get(name);

  const plugins: PluginRecord[] = [];
  for (const l of listings) {
    const entry = entries.get(l.name);
    const versions: VersionRecord[] = [];
    for (const version of l.versionFiles) {
      const file = versionFile(l.name, version);
      const bytes = await read(file);
      if (!bytes) continue;
      stats.manifests++;
      const hasBundle = l.bundles.has(version);
      const result = validateManifest(bytes, file, {
        path: { name: l.name, version },
        ...(config ? { config } : {}),
        ...(entry ? { entry } : {}),
        hasBundle,
        lookup,
      });
      findings.push(...result.findings);
      if (result.value && !result.findings.some((f) => f.severity === "error")) {
        versions.push({
          version,
          file,
          manifest: result.value,
          sha256: hash("sha256", bytes),
          ...(hasBundle ? { bundleFile: bundleFile(l.name, version) } : {}),
        });
      }
    }
    findings.push(...listingFindings(l, entry));
    if (entry) {
      versions.sort((a, b) => semver.compare(a.version, b.version));
      plugins.push({ name: l.name, entry, entryFile: entryFile(l.name), versions });
    }
  }
  findings.push(...findCycles(plugins));
  stats.plugins = listings.length;
  for (const f of findings) {
    if (f.severity === "error") stats.errors++;
    else if (f.severity === "warning") stats.warnings++;
  }
  return { ...(config ? { snapshot: { root: source.root, config, plugins } } : {}), findings, stats };
}

async function loadConfig(
  source: RegistrySource,
  read: (rel: string) => Promise<Uint8Array | undefined>,
  findings: Finding[],
): Promise<RegistryConfig | undefined> {
  const bytes = await read(CONFIG_FILE);
  if (!bytes) {
    findings.push(
      missing(
        CONFIG_FILE,
        "CONFIG_INVALID",
        `no config.json in ${source.root}: is this a registry folder? (see docs/registry-format.md)`,
      ),
    );
    return undefined;
  }
  const result = validateConfig(bytes, CONFIG_FILE);
  findings.push(...result.findings);
  return result.value;
}

async function listPlugin(source: RegistrySource, name: string): Promise<PluginListing> {
  const listing: PluginListing = { name, versionFiles: [], bundles: new Set(), others: [] };
  for (const file of await source.list(versionsDir(name))) {
    if (file.endsWith(".sigstore.json")) listing.bundles.add(file.slice(0, -".sigstore.json".length));
    else if (file.endsWith(".json")) listing.versionFiles.push(file.slice(0, -".json".length));
    else listing.others.push(file);
  }
  return listing;
}

/** Files that do not belong, bundles without a manifest, yanks of versions that do not exist. */
function listingFindings(l: PluginListing, entry: Entry | undefined): Finding[] {
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

function missing(file: string, code: Finding["code"], message: string): Finding {
  return { code, severity: "error", message, file, pointer: "" };
}
