/** The registry's file layout (docs/architecture.md), in one place. */

export const CONFIG_FILE = "config.json";
export const PLUGINS_DIR = "plugins";
export const ENTRY_FILE = "entry.json";
export const VERSIONS_DIR = "versions";
export const MANIFEST_SUFFIX = ".json";
export const BUNDLE_SUFFIX = ".sigstore.json";

/** A plugin's name, which is also its folder's name (schemas/entry.schema.json). */
const PLUGIN_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** True when `name` can be a plugin's name (and so its folder's). */
export function isPluginName(name: string): boolean {
  return name.length >= 2 && name.length <= 50 && PLUGIN_NAME.test(name);
}

export const entryFile = (name: string): string => `${PLUGINS_DIR}/${name}/entry.json`;
export const versionsDir = (name: string): string => `${PLUGINS_DIR}/${name}/versions`;
export const versionFile = (name: string, version: string): string => `${versionsDir(name)}/${version}.json`;
export const bundleFile = (name: string, version: string): string =>
  `${versionsDir(name)}/${version}.sigstore.json`;

export type RegistryPath =
  | { kind: "config" }
  | { kind: "entry"; name: string }
  | { kind: "version"; name: string; version: string }
  | { kind: "bundle"; name: string; version: string }
  | { kind: "other" };

/** What a path relative to the registry root is. */
export function classifyPath(rel: string): RegistryPath {
  if (rel === CONFIG_FILE) return { kind: "config" };
  const parts = rel.split("/");
  if (parts[0] !== PLUGINS_DIR || !parts[1]) return { kind: "other" };
  const name = parts[1];
  if (parts.length === 3 && parts[2] === "entry.json") return { kind: "entry", name };
  if (parts.length === 4 && parts[2] === "versions" && parts[3]) {
    const file = parts[3];
    if (file.endsWith(".sigstore.json"))
      return { kind: "bundle", name, version: file.slice(0, -".sigstore.json".length) };
    if (file.endsWith(".json")) return { kind: "version", name, version: file.slice(0, -".json".length) };
  }
  return { kind: "other" };
}

/**
 * The Sigstore trusted-root files config.json names (`sigstore_trusted_root`, then
 * `sigstore_additional_trusted_roots`): the only files a registry may hold besides config.json
 * and plugins/.
 */
export function trustedRootFiles(
  config: { sigstore_trusted_root?: unknown; sigstore_additional_trusted_roots?: unknown } | undefined,
): string[] {
  const files: string[] = [];
  if (typeof config?.sigstore_trusted_root === "string") files.push(config.sigstore_trusted_root);
  if (Array.isArray(config?.sigstore_additional_trusted_roots))
    for (const f of config.sigstore_additional_trusted_roots) if (typeof f === "string") files.push(f);
  return files;
}
