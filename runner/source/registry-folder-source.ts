import { passes } from "../../core/findings.ts";
import type { Finding, Result } from "../../core/findings.types.ts";
import { loadJson } from "../../core/json/load-json.ts";
import type { Manifest } from "../../core/manifest.types.ts";
import type { SecurityPolicy } from "../../core/policy/trust-policy.ts";
import {
  bundleFile,
  CONFIG_FILE,
  entryFile,
  PLUGINS_DIR,
  versionFile,
  versionsDir,
} from "../../core/registry/layout.ts";
import { fsSource } from "../../core/registry/registry-fs.ts";
import type { RegistrySource } from "../../core/registry/source.types.ts";
import type { Entry } from "../../core/registry.types.ts";
import { manifestTexts, matchesFilter } from "../../core/text/search-filter.ts";
import { validateEntry } from "../../core/validate/validate-documents.ts";
import { validateRegistryFiles } from "../../core/validate/validate-files.ts";
import { latestVersion } from "../../core/versions/pick.ts";
import { RunnerError } from "../errors.ts";
import { pluginLookup } from "./plugin-lookup.ts";
import type { MetadataSource, PluginListing, PluginVersions, RegistryTrust } from "./source.types.ts";

interface JudgedPlugin {
  entry?: Entry;
  /** Per version: the manifest when it passed the schema, and every finding the gate would give its files. */
  versions: Map<string, { manifest?: Manifest; findings: Finding[]; bundle: boolean }>;
}

/**
 * A registry folder (config.json, plugins/<name>/entry.json and versions/) read as the registry it
 * is: each plugin's files are judged by `validateRegistryFiles`, the very function the pull-request
 * gate runs, so what the gate refuses is refused here with the same codes; entry pins, yanks and
 * deprecation, and the config's trust anchors (official signers, trusted CAs, Sigstore root) apply
 * exactly as the gate applied them. Point it only at a registry you trust as you trust its
 * config.json.
 */
export function createRegistryFolderSource(
  dir: string,
  options: { priority?: number; policy?: SecurityPolicy; files?: RegistrySource } = {},
): MetadataSource {
  const files = options.files ?? fsSource(dir);
  // Each plugin judged once (plugin-lookup.ts: names that cannot be a plugin's, misses and failures are not kept).
  const judge = pluginLookup((name) => judgePlugin(files, name));
  const config = async () => {
    const bytes = await files.readFile(CONFIG_FILE);
    const loaded = bytes ? loadJson(bytes, { file: CONFIG_FILE }).value : undefined;
    return (loaded ?? {}) as {
      official_signers?: RegistryTrust["officialSigners"];
      trusted_cas?: string[];
      sigstore_trusted_root?: string;
      sigstore_additional_trusted_roots?: unknown[];
    };
  };
  const judged = async (name: string, version: string) => {
    const hit = (await judge(name))?.versions.get(version);
    if (!hit)
      throw new RunnerError("VERSION_NOT_FOUND", `${name}@${version} is not in ${dir}`, { name, version });
    return hit;
  };
  return {
    kind: "filesystem",
    location: dir,
    priority: options.priority ?? 100,
    ...(options.policy ? { policy: options.policy } : {}),
    async versions(name): Promise<PluginVersions | undefined> {
      const plugin = await judge(name);
      if (!plugin) return undefined;
      const yanked = plugin.entry?.yanked ?? {};
      return {
        name,
        signers: { keys: plugin.entry?.signers?.keys ?? [], sigstore: plugin.entry?.signers?.sigstore ?? [] },
        deprecated: plugin.entry?.deprecated === true,
        ...(plugin.entry?.deprecation_message
          ? { deprecation_message: plugin.entry.deprecation_message }
          : {}),
        versions: [...plugin.versions].map(([version, { manifest: m }]) => ({
          version,
          dependencies: (m?.requirements?.dependencies ?? []).map((d) => ({
            ...d,
            optional: d.optional === true,
          })),
          yanked: Object.hasOwn(yanked, version),
          ...(yanked[version] ? { yanked_reason: yanked[version] } : {}),
          prerelease: version.includes("-"),
          ...(m ? { spec_version: m.specification.spec_version } : {}),
          ...(m?.requirements?.min_spec_version ? { min_spec_version: m.requirements.min_spec_version } : {}),
          ...(m?.requirements?.max_spec_version ? { max_spec_version: m.requirements.max_spec_version } : {}),
          security_level: m?.security?.security_level ?? "untrusted",
          ...(m?.installation.checksum ? { checksum: m.installation.checksum } : {}),
        })),
      };
    },
    async manifest(name, version): Promise<Result<Manifest>> {
      const hit = await judged(name, version);
      return { ...(hit.manifest ? { value: hit.manifest } : {}), findings: hit.findings };
    },
    async bundle(name, version) {
      if (!(await judged(name, version)).bundle) return undefined;
      const bytes = await files.readFile(bundleFile(name, version));
      return bytes
        ? loadJson(bytes, { file: bundleFile(name, version), maxBytes: 4 << 20 }).value
        : undefined;
    },
    async trust() {
      const c = await config();
      const out: RegistryTrust = {};
      if (c.official_signers) out.officialSigners = c.official_signers;
      if (c.trusted_cas) out.trustedCas = c.trusted_cas;
      if (typeof c.sigstore_trusted_root === "string") {
        const bytes = await files.readFile(c.sigstore_trusted_root);
        if (bytes)
          out.trustedRoot = loadJson(bytes, { file: c.sigstore_trusted_root, maxBytes: 4 << 20 }).value;
      }
      if (Array.isArray(c.sigstore_additional_trusted_roots)) {
        out.additionalTrustedRoots = await Promise.all(
          c.sigstore_additional_trusted_roots.map(async (file) => {
            const bytes = typeof file === "string" ? await files.readFile(file) : undefined;
            return (bytes && loadJson(bytes, { file: String(file), maxBytes: 4 << 20 }).value) ?? null;
          }),
        );
      }
      return out;
    },
    async list(filter) {
      const out: PluginListing[] = [];
      for (const name of await files.list(PLUGINS_DIR)) {
        const plugin = await judge(name);
        const valid = [...(plugin?.versions ?? [])].flatMap(([version, v]) =>
          v.manifest && passes(v.findings)
            ? [{ version, yanked: Object.hasOwn(plugin?.entry?.yanked ?? {}, version), manifest: v.manifest }]
            : [],
        );
        const latest = latestVersion(valid)?.manifest;
        if (!latest) continue;
        if (!matchesFilter(filter, name, manifestTexts(latest))) continue;
        out.push({
          name,
          version: latest.metadata.version,
          description: latest.metadata.description,
          author: latest.metadata.author,
          security_level: latest.security?.security_level ?? "untrusted",
          capabilities: latest.specification.capabilities ?? [],
          providers: latest.specification.supported_providers,
          deprecated: plugin?.entry?.deprecated === true,
          source: "filesystem",
          location: dir,
        });
      }
      return out;
    },
  };
}

/**
 * One plugin's files judged as the gate judges them (config, entry and dependencies' listings as
 * context); every version carries the findings of its manifest, its bundle, the plugin's entry
 * and the registry's config, so refusing any of them refuses that version.
 */
async function judgePlugin(files: RegistrySource, name: string): Promise<JudgedPlugin | undefined> {
  const listing = await files.list(versionsDir(name));
  const entryBytes = await files.readFile(entryFile(name));
  if (listing.length === 0 && !entryBytes) return undefined;
  const versions = listing
    .filter((f) => f.endsWith(".json") && !f.endsWith(".sigstore.json"))
    .map((f) => f.slice(0, -5));
  const bundles = new Set(listing.filter((f) => f.endsWith(".sigstore.json")).map((f) => f.slice(0, -14)));
  const paths = [CONFIG_FILE, entryFile(name), ...versions.map((v) => versionFile(name, v))];
  for (const v of bundles) paths.push(bundleFile(name, v));
  const result = await validateRegistryFiles(files, paths);
  const shared = result.findings.filter((f) => f.file === CONFIG_FILE || f.file === entryFile(name));
  const entry = entryBytes ? validateEntry(entryBytes, entryFile(name), name).value : undefined;
  const out: JudgedPlugin = { ...(entry ? { entry } : {}), versions: new Map() };
  for (const version of versions) {
    const own = new Set([versionFile(name, version), bundleFile(name, version)]);
    const manifest = result.manifests.get(versionFile(name, version));
    out.versions.set(version, {
      ...(manifest ? { manifest } : {}),
      findings: [...shared, ...result.findings.filter((f) => own.has(f.file))],
      bundle: bundles.has(version),
    });
  }
  return out;
}
