/**
 * Where every document lives, relative to the site root (no leading slash, posix separators).
 * One place, so the generator, the writer, the site and the tests agree on the layout.
 */
import { RegistryError } from "../errors.ts";

export const API_ROOT = "api/v1/";
export const DISCOVERY_PATH = ".well-known/finfocus-registry.json";
export const PLUGIN_INDEX_PATH = `${API_ROOT}plugins/index.json`;
export const REGISTRY_JSON_PATH = `${API_ROOT}registry.json`;
/** The registry's own Sigstore trusted root, when config.json names one. */
export const TRUSTED_ROOT_PATH = `${API_ROOT}sigstore-trusted-root.json`;
/** The registry's additional Sigstore trusted roots (private instances), by position in config.json. */
export const additionalTrustedRootPath = (i: number): string =>
  `${API_ROOT}sigstore-additional-trusted-root-${i}.json`;
export const NOT_FOUND_PATH = `${API_ROOT}404.json`;
export const RELEASES_FEED_PATH = "feeds/releases.xml";

/** Path prefixes the generator owns in the output directory: nothing else there is ever deleted. */
export const OWNED_PREFIXES: readonly string[] = [API_ROOT, "feeds/", DISCOVERY_PATH];

// Core validates names and versions; this guard only keeps a bug from writing outside a folder.
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

function segment(value: string): string {
  if (!SEGMENT.test(value) || value.includes("..")) {
    throw new RegistryError("UNSAFE_PATH_SEGMENT", `refusing to use '${value}' in an output path`);
  }
  return value;
}

export function pluginPath(name: string): string {
  return `${API_ROOT}plugins/${segment(name)}/index.json`;
}

export function versionsPath(name: string): string {
  return `${API_ROOT}plugins/${segment(name)}/versions/index.json`;
}

export function manifestPath(name: string, version: string): string {
  return `${API_ROOT}plugins/${segment(name)}/versions/${segment(version)}/manifest.json`;
}

export function bundlePath(name: string, version: string): string {
  return `${API_ROOT}plugins/${segment(name)}/versions/${segment(version)}/bundle.sigstore.json`;
}

export function pluginFeedPath(name: string): string {
  return `feeds/plugins/${segment(name)}.xml`;
}
