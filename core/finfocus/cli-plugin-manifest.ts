/**
 * The FinFocus CLI's own `plugin.manifest.json`: a small flat file it reads from a plugin's
 * version folder (`<plugins>/<name>/<folder>/`) in `finfocus plugin validate`, restated from its
 * loader (`registry.Manifest`, `LoadManifest`, `ValidatePlugin`; commits in docs/finfocus.md).
 * It is not the registry manifest: that one is kept under REGISTRY_MANIFEST_FILE.
 */
import type { Manifest } from "../manifest.types.ts";

/** The file name the CLI reads in a version folder. */
export const CLI_MANIFEST_FILE = "plugin.manifest.json";

/** Where our runner keeps the full, verified registry manifest in the version folder. */
export const REGISTRY_MANIFEST_FILE = "registry.manifest.json";

/** The CLI's flat manifest. `version` equals the version folder's name, e.g. `v2.1.0`. */
export interface CliPluginManifest {
  name: string;
  version: string;
  description: string;
  author: string;
  providers: string[];
  metadata?: Record<string, string>;
}

/** The version folder the CLI expects for a release: its git tag, `v` + the version. */
export function versionFolderName(version: string): string {
  return `v${version}`;
}

/**
 * The CLI manifest for `manifest` installed in folder `v<version>`, with `metadata` (strings only:
 * the CLI decodes it as a map of strings) taken from the manifest plus `extra`.
 */
export function cliPluginManifest(manifest: Manifest, extra: Record<string, string> = {}): CliPluginManifest {
  const m = manifest.metadata;
  const metadata: Record<string, string> = {};
  const add = (key: string, value: string | undefined) => {
    if (value !== undefined && value !== "") metadata[key] = value;
  };
  add("spec_version", manifest.specification.spec_version);
  add("security_level", manifest.security?.security_level ?? "untrusted");
  add("license", m.license);
  add("homepage", m.homepage);
  add("repository", m.repository);
  for (const [key, value] of Object.entries(extra)) add(key, value);
  return {
    name: m.name,
    version: versionFolderName(m.version),
    description: m.description,
    author: m.author,
    providers: [...manifest.specification.supported_providers],
    metadata,
  };
}

const FIELDS = { name: "string", version: "string", description: "string", author: "string" } as const;

/**
 * Every reason `finfocus plugin validate` would fail on this file's text for plugin `name` in
 * folder `folder`: JSON its Go decoder refuses (wrong types; keys match case-insensitively, the
 * last one wins, null leaves a field empty), or a name or version that differs from the folder's.
 */
export function cliPluginManifestProblems(
  text: string,
  name: string,
  folder: string,
): { pointer: string; message: string }[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [{ pointer: "", message: "is not JSON" }];
  }
  if (value === null) value = {};
  if (typeof value !== "object" || Array.isArray(value))
    return [{ pointer: "", message: "is not an object" }];
  const fields = new Map<string, { key: string; value: unknown }>();
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const field = key.toLowerCase();
    if (field in FIELDS || field === "providers" || field === "metadata")
      fields.set(field, { key, value: v });
  }
  const out: { pointer: string; message: string }[] = [];
  const str = (field: string) => {
    const found = fields.get(field);
    if (found === undefined || found.value === null) return "";
    if (typeof found.value === "string") return found.value;
    out.push({ pointer: `/${found.key}`, message: "must be a string" });
    return undefined;
  };
  const got = { name: str("name"), version: str("version") };
  str("description");
  str("author");
  const providers = fields.get("providers");
  if (providers && providers.value !== null) {
    if (!Array.isArray(providers.value) || providers.value.some((p) => typeof p !== "string" && p !== null))
      out.push({ pointer: `/${providers.key}`, message: "must be an array of strings" });
  }
  const metadata = fields.get("metadata");
  if (metadata && metadata.value !== null) {
    const v = metadata.value;
    if (
      typeof v !== "object" ||
      Array.isArray(v) ||
      Object.values(v as object).some((x) => typeof x !== "string" && x !== null)
    )
      out.push({ pointer: `/${metadata.key}`, message: "must be an object whose values are strings" });
  }
  if (out.length > 0) return out;
  if (got.name !== name) out.push({ pointer: "/name", message: `is '${got.name}', the plugin is '${name}'` });
  if (got.version !== folder)
    out.push({ pointer: "/version", message: `is '${got.version}', the version folder is '${folder}'` });
  return out;
}
