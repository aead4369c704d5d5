/**
 * Reads the demo registry folder (config, entries, manifests) and derives each version's artifact.
 * Plain JSON.parse is enough here: these are our own committed files; the product's safe loader
 * lives in core/ and validates the same files independently.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Manifest } from "../../core/manifest.types.ts";
import type { Entry, RegistryConfig } from "../../core/registry.types.ts";
import { tarGzBytes, zipBytes } from "./archive-writers.ts";
import { licenseText, pluginFiles } from "./plugin-files.ts";
import { releaseAssets, releasePluginFiles } from "./release-plugin.ts";

export interface DemoVersion {
  version: string;
  /** Absolute path of `<version>.json`. */
  file: string;
  manifest: Manifest;
  /** Absolute path of `<version>.sigstore.json` (may not exist yet). */
  bundleFile: string;
}

export interface DemoPlugin {
  name: string;
  entry: Entry;
  versions: DemoVersion[];
}

export interface DemoRegistry {
  root: string;
  config: RegistryConfig;
  plugins: DemoPlugin[];
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, "utf8")) as T;

/** Loads `root` (a registry folder): config.json, every entry.json and every `<version>.json`. */
export function loadDemoRegistry(root: string): DemoRegistry {
  const config = readJson<RegistryConfig>(join(root, "config.json"));
  const pluginsDir = join(root, "plugins");
  const plugins = readdirSync(pluginsDir)
    .sort()
    .map((name): DemoPlugin => {
      const versionsDir = join(pluginsDir, name, "versions");
      const versions = readdirSync(versionsDir)
        .filter((f) => f.endsWith(".json") && !f.endsWith(".sigstore.json"))
        .sort()
        .map((f): DemoVersion => {
          const version = f.slice(0, -".json".length);
          return {
            version,
            file: join(versionsDir, f),
            manifest: readJson<Manifest>(join(versionsDir, f)),
            bundleFile: join(versionsDir, `${version}.sigstore.json`),
          };
        });
      return { name, entry: readJson<Entry>(join(pluginsDir, name, "entry.json")), versions };
    });
  return { root, config, plugins };
}

/** The artifact's file name: the last path segment of `download_url` (what `--artifact-mirror` fetches). */
export function artifactFileName(m: Manifest): string | undefined {
  const url = m.installation.download_url;
  if (!url || m.installation.installation_method === "container") return undefined;
  const segment = new URL(url).pathname.split("/").pop();
  return segment ? decodeURIComponent(segment) : undefined;
}

/**
 * Every file name a manifest's archive is published under: the `download_url`'s, and for a real
 * plugin release its sibling platform's (the same bytes).
 */
export function artifactFileNames(m: Manifest): string[] {
  const fileName = artifactFileName(m);
  if (!fileName) return [];
  return releaseAssets(m, fileName) ?? [fileName];
}

/**
 * Builds the archive of one manifest, or undefined for a container image (nothing to build).
 * `assets` lists every file name it is published under (see artifactFileNames).
 */
export function buildArtifact(
  m: Manifest,
): { fileName: string; assets: string[]; bytes: Buffer } | undefined {
  const fileName = artifactFileName(m);
  if (!fileName) return undefined;
  const assets = releaseAssets(m, fileName);
  const files = assets ? releasePluginFiles(m, licenseText(m)) : pluginFiles(m);
  const bytes = fileName.endsWith(".tar.gz")
    ? tarGzBytes(files)
    : fileName.endsWith(".zip")
      ? zipBytes(files)
      : undefined;
  if (!bytes)
    throw new Error(`${m.metadata.name} ${m.metadata.version}: unsupported archive type ${fileName}`);
  return { fileName, assets: assets ?? [fileName], bytes };
}

export const sha256 = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");

/** The digest named by a container `download_url` such as `ghcr.io/org/img@sha256:<hex>`. */
export function imageDigest(m: Manifest): string | undefined {
  return /@sha256:([0-9a-f]{64})$/.exec(m.installation.download_url ?? "")?.[1];
}

/** The keys allowed to sign `m` under the trust model, or undefined when no keyed signature is needed. */
export function requiredSigners(reg: DemoRegistry, plugin: DemoPlugin, m: Manifest): string[] | undefined {
  const level = m.security?.security_level;
  if (level === "official") return reg.config.official_signers?.keys ?? [];
  if (level === "verified") return plugin.entry.signers?.keys;
  return undefined;
}

/** Does a Sigstore bundle sign this version (a verified plugin pinned to a keyless identity)? */
export function usesSigstore(plugin: DemoPlugin, m: Manifest): boolean {
  return (
    m.security?.security_level === "verified" &&
    !plugin.entry.signers?.keys?.length &&
    (plugin.entry.signers?.sigstore?.length ?? 0) > 0
  );
}
