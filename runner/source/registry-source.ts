import { createHash } from "node:crypto";
import type {
  DiscoveryDocument,
  PluginDocument,
  PluginIndexDocument,
  VersionSummary,
} from "../../core/api/api.types.ts";
import type { Manifest } from "../../core/manifest.types.ts";
import type { Signers } from "../../core/registry.types.ts";
import { parseUntrustedJson } from "../core-link.ts";
import { RunnerError } from "../errors.ts";
import type { SecurityPolicy } from "../policy.ts";
import { checkDiscovery, checkManifest, checkPluginDocument, checkPluginIndex } from "./api-shapes.ts";
import type { HttpCache } from "./http-cache.ts";
import type { MetadataSource, PluginListing, PluginVersions, RegistryTrust } from "./source.types.ts";

export interface RegistrySourceOptions {
  /** The registry's root, where /.well-known/finfocus-registry.json is. */
  url: string;
  cache: HttpCache;
  /** Freshness of the discovery and per-plugin documents. Default 300 s. */
  ttlSeconds?: number;
  priority?: number;
  policy?: SecurityPolicy;
}

/**
 * The registry's static API as a discovery source. Per plugin it reads one document,
 * `/api/v1/plugins/<name>/index.json` (versions, pinned signers and the latest manifest), and a
 * version's `manifest.json` only when that version is not the latest: at most two metadata
 * requests per plugin, plus the discovery document once (crates.io sparse-index style).
 */
export function createRegistrySource(options: RegistrySourceOptions): MetadataSource {
  const root = options.url.endsWith("/") ? options.url : `${options.url}/`;
  const ttl = options.ttlSeconds ?? 300;
  let apiRoot: Promise<string> | undefined;
  let discovery: DiscoveryDocument & { official_signers?: Signers; sigstore_trusted_root?: string } =
    {} as never;
  const docs = new Map<string, Promise<PluginDocument | undefined>>();

  const getJson = async (url: string, seconds: number): Promise<unknown> => {
    const bytes = await options.cache.get(url, seconds);
    return bytes === undefined ? undefined : parseUntrustedJson(bytes, url);
  };
  const api = (): Promise<string> => {
    apiRoot ??= (async () => {
      const url = new URL(".well-known/finfocus-registry.json", root).href;
      const doc = (await getJson(url, ttl)) as typeof discovery | undefined;
      if (!doc || typeof doc !== "object" || typeof doc.api_root !== "string") {
        throw new RunnerError("DISCOVERY_SOURCE_UNREACHABLE", `${url} is not a FinFocus registry`, {
          source: "registry",
          location: options.url,
        });
      }
      checkDiscovery(url, doc as unknown as Record<string, unknown>);
      discovery = doc;
      const resolved = new URL(doc.api_root, root).href;
      return resolved.endsWith("/") ? resolved : `${resolved}/`;
    })();
    return apiRoot;
  };
  const pluginDoc = (name: string): Promise<PluginDocument | undefined> => {
    let doc = docs.get(name);
    if (!doc) {
      doc = (async () => {
        const url = new URL(`plugins/${encodeURIComponent(name)}/index.json`, await api()).href;
        const value = (await getJson(url, ttl)) as PluginDocument | undefined;
        if (value !== undefined) checkPluginDocument(url, value);
        if (value && (value.name !== name || !Array.isArray(value.versions))) {
          throw new RunnerError("REGISTRY_DOCUMENT_INVALID", `${url} does not describe ${name}`, { url });
        }
        return value;
      })();
      docs.set(name, doc);
    }
    return doc;
  };
  const summary = async (name: string, version: string): Promise<VersionSummary> => {
    const doc = await pluginDoc(name);
    const row = doc?.versions.find((v) => v.version === version);
    if (!doc || !row) {
      throw new RunnerError("VERSION_NOT_FOUND", `${name}@${version} is not in ${options.url}`, {
        name,
        version,
        available_versions: doc?.versions.map((v) => v.version) ?? [],
      });
    }
    return row;
  };

  return {
    kind: "registry",
    location: options.url,
    priority: options.priority ?? 0,
    ...(options.policy ? { policy: options.policy } : {}),
    async versions(name): Promise<PluginVersions | undefined> {
      const doc = await pluginDoc(name);
      if (!doc) return undefined;
      return {
        name,
        ...(typeof doc.repository === "string" ? { repository: doc.repository } : {}),
        signers: { keys: doc.signers?.keys ?? [], sigstore: doc.signers?.sigstore ?? [] },
        deprecated: doc.deprecated === true,
        ...(doc.deprecation_message ? { deprecation_message: doc.deprecation_message } : {}),
        versions: doc.versions.map((v) => ({
          version: v.version,
          dependencies: v.dependencies ?? [],
          yanked: v.yanked === true,
          ...(v.yanked_reason ? { yanked_reason: v.yanked_reason } : {}),
          prerelease: v.prerelease === true,
          spec_version: v.spec_version,
          ...(v.min_spec_version ? { min_spec_version: v.min_spec_version } : {}),
          ...(v.max_spec_version ? { max_spec_version: v.max_spec_version } : {}),
          security_level: v.security_level,
          ...(v.checksum ? { checksum: v.checksum } : {}),
        })),
      };
    },
    async manifest(name, version): Promise<Manifest> {
      const doc = await pluginDoc(name);
      const row = await summary(name, version);
      let manifest: Manifest;
      if (doc?.latest?.metadata?.version === version) manifest = doc.latest;
      else {
        const url = new URL(row.manifest_url, root).href;
        const bytes = await options.cache.get(url, Number.POSITIVE_INFINITY);
        if (!bytes) throw new RunnerError("VERSION_NOT_FOUND", `${url} is missing`, { name, version });
        // The bytes must be the manifest the version list names (T4, mix-and-match).
        if (row.manifest_sha256 && createHash("sha256").update(bytes).digest("hex") !== row.manifest_sha256) {
          throw new RunnerError(
            "REGISTRY_DOCUMENT_INVALID",
            `${url} is not the manifest the version list names (sha256 differs)`,
            { name, version, url },
          );
        }
        const parsed = parseUntrustedJson(bytes, url);
        checkManifest(url, parsed);
        manifest = parsed as Manifest;
      }
      // Mix-and-match (T4): the manifest must be the one the version list describes.
      if (
        manifest.metadata?.name !== name ||
        manifest.metadata?.version !== version ||
        (row.checksum ?? undefined) !== (manifest.installation?.checksum ?? undefined)
      ) {
        throw new RunnerError(
          "REGISTRY_DOCUMENT_INVALID",
          `The manifest of ${name}@${version} does not match the registry's version list`,
          { name, version },
        );
      }
      return manifest;
    },
    async bundle(name, version) {
      const row = await summary(name, version);
      if (!row.bundle_url) return undefined;
      return getJson(new URL(row.bundle_url, root).href, Number.POSITIVE_INFINITY);
    },
    async trust() {
      // Optional discovery-document fields; a trust anchor given by the user takes precedence.
      await api();
      const out: RegistryTrust = {};
      if (discovery.official_signers) out.officialSigners = discovery.official_signers;
      if (typeof discovery.sigstore_trusted_root === "string") {
        out.trustedRoot = await getJson(new URL(discovery.sigstore_trusted_root, root).href, ttl);
      }
      return out;
    },
    async list(filter) {
      const url = new URL("plugins/index.json", await api()).href;
      const index = (await getJson(url, ttl)) as PluginIndexDocument | undefined;
      if (index !== undefined) checkPluginIndex(url, index);
      const needle = filter.toLowerCase();
      return (index?.plugins ?? [])
        .filter((p) =>
          [p.name, p.description, ...(p.keywords ?? []), ...(p.capabilities ?? [])].some((t) =>
            String(t).toLowerCase().includes(needle),
          ),
        )
        .map(
          (p): PluginListing => ({
            name: p.name,
            version: p.latest_version,
            description: p.description,
            author: p.author,
            security_level: p.security_level,
            capabilities: p.capabilities ?? [],
            providers: p.providers ?? [],
            deprecated: p.deprecated,
            source: "registry",
            location: options.url,
          }),
        );
    },
  };
}
