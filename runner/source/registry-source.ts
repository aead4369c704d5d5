import { createHash } from "node:crypto";
import type {
  DiscoveryDocument,
  PluginDocument,
  PluginIndexDocument,
  VersionSummary,
} from "../../core/api/api.types.ts";
import { DISCOVERY_PATH } from "../../core/api/paths.ts";
import {
  API_MAX_BYTES,
  type ApiDocumentKind,
  type ApiDocuments,
  readApiDocument,
} from "../../core/api/read-api.ts";
import { restPath } from "../../core/api/rest-paths.ts";
import { deepFreeze } from "../../core/deep-freeze.ts";
import type { Finding, Result } from "../../core/findings.types.ts";
import type { Manifest } from "../../core/manifest.types.ts";
import { originOf } from "../../core/net/fetch-policy.ts";
import type { Credentials } from "../../core/net/fetcher.types.ts";
import type { SecurityPolicy } from "../../core/policy/trust-policy.ts";
import { MAX_BUNDLE_BYTES } from "../../core/signature/sigstore-bundle.ts";
import { MAX_TRUSTED_ROOT_BYTES } from "../../core/signature/trusted-root.ts";
import { type Searchable, searchable, searchIndexes } from "../../core/text/search-filter.ts";
import { resolvedHttpUrl } from "../../core/url-policy.ts";
import { validateManifest } from "../../core/validate/validate-manifest.ts";
import { parseUntrustedJson } from "../core-link.ts";
import { RunnerError } from "../errors.ts";
import { documentUrl } from "./document-url.ts";
import type { HttpCache } from "./http-cache.ts";
import { pluginLookup } from "./plugin-lookup.ts";
import { openSignedReader, refuseUnsigned, type SignedReader, type TufAccess } from "./signed-reader.ts";
import type { MetadataSource, PluginListing, PluginVersions, RegistryTrust } from "./source.types.ts";

export interface RegistrySourceOptions {
  /** The registry's root, where /.well-known/finfocus-registry.json is. */
  url: string;
  cache: HttpCache;
  /** Freshness of the discovery and per-plugin documents. Default 300 s. */
  ttlSeconds?: number;
  priority?: number;
  policy?: SecurityPolicy;
  /** Plain http to loopback hosts in manifests is acceptable (the user's `--allow-loopback-http`). */
  allowLoopbackHttp?: boolean;
  /** The TUF client's settings and the fetcher it uses; without them, TUF metadata is not read. */
  tuf?: TufAccess;
}

/**
 * The credentials of a registry source: its API key (as a bearer token) and custom headers, for
 * the origin of the URL the user configured, and for no other (core/net/fetch-policy.ts).
 */
export function registryCredentials(
  url: string,
  apiKey: string | undefined,
  headers: Record<string, string> | undefined,
): Credentials | undefined {
  const origin = originOf(url);
  if (!origin || (!apiKey && !headers)) return undefined;
  return { origin, headers: { ...headers, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) } };
}

/**
 * A registry as a discovery source: its static API (found from its discovery document) or, when
 * it has none, the specification's REST paths (`GET /plugins/{name}`..., core/api/rest-paths.ts)
 * serving the same documents. Per plugin it reads one document,
 * `/api/v1/plugins/<name>/index.json` (versions, pinned signers and the latest manifest), and a
 * version's `manifest.json` only when that version is not the latest: at most two metadata
 * requests per plugin, plus the discovery document once (crates.io sparse-index style). Every
 * document is validated against its schema (core/api) before use, and every manifest is judged
 * by core's manifest validation, as the gate judged it.
 */
export function createRegistrySource(options: RegistrySourceOptions): MetadataSource {
  // The root as a base URL; a registry URL that is not http(s) is refused at the first read, by name.
  const root = resolvedHttpUrl(options.url.endsWith("/") ? options.url : `${options.url}/`) ?? "";
  const ttl = options.ttlSeconds ?? 300;
  /**
   * The registry's protocol: the static layout (a discovery document, with a signed index when it
   * names one) or, without a discovery document, the specification's REST paths.
   */
  let discovery:
    | Promise<{ doc?: DiscoveryDocument; apiRoot: string; rest: boolean; signed?: SignedReader }>
    | undefined;
  /**
   * The plugin index, parsed and schema-checked once per freshness period: concurrent searches
   * (the daemon's clients) share one read, and a 10,000-plugin index is not parsed per call.
   */
  let index: { url: string; until: number; doc: Promise<PluginIndexDocument | undefined> } | undefined;
  // Each index entry's search result, made the first time a search finds it and kept while the
  // index document is: searches return the same frozen rows (the daemon reuses their encoding).
  const listings = new WeakMap<Listed[number], PluginListing>();
  const listing = (p: Listed[number]): PluginListing => {
    let row = listings.get(p);
    if (!row) {
      row = deepFreeze({
        name: p.name,
        version: p.latest_version,
        description: p.description,
        author: p.author,
        security_level: p.security_level,
        capabilities: [...p.capabilities],
        providers: [...p.providers],
        deprecated: p.deprecated,
        source: "registry",
        location: options.url,
        ...(p.updated_at ? { updated_at: p.updated_at } : {}),
      });
      listings.set(p, row);
    }
    return row;
  };

  /** A document's bytes: through the signed index when the registry has one, else plainly. */
  const read = async (url: string, seconds: number, maxBytes?: number): Promise<Uint8Array | undefined> => {
    const { signed } = await api();
    return signed ? signed.bytes(url) : options.cache.get(url, seconds, maxBytes);
  };
  /** An API document, schema-checked; absent (404, or not in the signed index) is undefined. */
  const getDoc = async <K extends ApiDocumentKind>(
    kind: K,
    url: string,
    seconds: number,
    signed?: SignedReader,
  ): Promise<ApiDocuments[K] | undefined> => {
    // Each kind's own cap (core's API_MAX_BYTES): the one readApiDocument applies.
    const bytes = signed ? await signed.bytes(url) : await read(url, seconds, API_MAX_BYTES[kind]);
    if (bytes === undefined) return undefined;
    const checked = readApiDocument(kind, bytes, url);
    if (!checked.value) throw documentError(url, checked.findings);
    return checked.value;
  };
  const api = () => {
    discovery ??= (async () => {
      if (root === "")
        throw new RunnerError(
          "USAGE",
          `The registry URL ${JSON.stringify(options.url.slice(0, 300))} is not an http(s) URL`,
          { url: options.url.slice(0, 300) },
        );
      const url = new URL(DISCOVERY_PATH, root).href;
      // The first read is unverified: it only says where TUF metadata is. With TUF, the discovery
      // document is then read again as a target of the signed index, and only that copy is used.
      const bytes = await options.cache.get(url, ttl, API_MAX_BYTES.discovery);
      if (!bytes) {
        // No discovery document: a registry serving the spec's REST paths answers GET /plugins,
        // unsigned: never for a registry whose signed metadata is pinned, configured or required.
        refuseUnsigned(options.url, root, options.tuf);
        const indexUrl = new URL(restPath({ kind: "plugin-index" }), root).href;
        const indexBytes = await options.cache
          .get(indexUrl, ttl, API_MAX_BYTES["plugin-index"])
          .catch(() => undefined);
        const index = indexBytes && readApiDocument("plugin-index", indexBytes, indexUrl).value;
        if (!index) {
          throw new RunnerError(
            "DISCOVERY_SOURCE_UNREACHABLE",
            `${options.url} is not a FinFocus registry: neither ${url} nor ${indexUrl} answers`,
            { source: "registry", location: options.url },
          );
        }
        return { apiRoot: root, rest: true };
      }
      const first = readApiDocument("discovery", bytes, url);
      if (!first.value) throw documentError(url, first.findings);
      let doc = first.value;
      const signed = await openSignedReader({
        root,
        location: options.url,
        discovery: doc,
        cache: options.cache,
        tuf: options.tuf,
      });
      if (signed) {
        const verified = await getDoc("discovery", url, ttl, signed);
        if (!verified) {
          throw new RunnerError("TUF_VERIFICATION_FAILED", `${url} is not in the registry's signed index`, {
            url,
            reason: "unsigned-discovery",
          });
        }
        doc = verified;
      }
      const resolved = documentUrl(doc.api_root, root, url, "api_root");
      return {
        doc,
        apiRoot: resolved.endsWith("/") ? resolved : `${resolved}/`,
        rest: false,
        ...(signed ? { signed } : {}),
      };
    })();
    return discovery;
  };
  /** How a refusal names a plugin's document. */
  const pluginDocName = (name: string): string => `${options.url}'s document of ${name}`;
  // Each plugin's document read once (plugin-lookup.ts: names that cannot be a plugin's, 404s and failures are not kept).
  const pluginDoc = pluginLookup(async (name): Promise<PluginDocument | undefined> => {
    const { apiRoot, rest } = await api();
    const path = rest ? restPath({ kind: "plugin", name }) : `plugins/${encodeURIComponent(name)}/index.json`;
    const url = new URL(path, apiRoot).href;
    const value = await getDoc("plugin", url, ttl);
    if (value && value.name !== name) {
      throw new RunnerError("REGISTRY_DOCUMENT_INVALID", `${url} does not describe ${name}`, { url });
    }
    return value;
  });
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
  /** The manifest's bytes: the plugin document's `latest`, or the version's manifest.json (T4-checked). */
  const manifestBytes = async (
    name: string,
    version: string,
  ): Promise<{ bytes: Uint8Array; file: string }> => {
    const doc = await pluginDoc(name);
    const row = await summary(name, version);
    const latest = doc?.latest as Manifest | undefined;
    if (latest?.metadata?.version === version) {
      return {
        bytes: new TextEncoder().encode(JSON.stringify(latest)),
        file: `${options.url} ${name}@${version}`,
      };
    }
    const { apiRoot, rest } = await api();
    const url = rest
      ? new URL(restPath({ kind: "manifest", name, version }), apiRoot).href
      : documentUrl(row.manifest_url, root, pluginDocName(name), `manifest_url of ${version}`);
    const bytes = await read(url, Number.POSITIVE_INFINITY);
    if (!bytes) throw new RunnerError("VERSION_NOT_FOUND", `${url} is missing`, { name, version });
    // The bytes must be the manifest the version list names (T4, mix-and-match).
    if (createHash("sha256").update(bytes).digest("hex") !== row.manifest_sha256) {
      throw new RunnerError(
        "REGISTRY_DOCUMENT_INVALID",
        `${url} is not the manifest the version list names (sha256 differs)`,
        { name, version, url },
      );
    }
    return { bytes, file: url };
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
        repository: doc.repository,
        signers: { keys: doc.signers.keys, sigstore: doc.signers.sigstore },
        deprecated: doc.deprecated,
        ...(doc.deprecation_message ? { deprecation_message: doc.deprecation_message } : {}),
        versions: doc.versions.map((v) => ({
          version: v.version,
          dependencies: v.dependencies,
          yanked: v.yanked,
          ...(v.yanked_reason ? { yanked_reason: v.yanked_reason } : {}),
          prerelease: v.prerelease,
          spec_version: v.spec_version,
          ...(v.min_spec_version ? { min_spec_version: v.min_spec_version } : {}),
          ...(v.max_spec_version ? { max_spec_version: v.max_spec_version } : {}),
          security_level: v.security_level,
          ...(v.checksum ? { checksum: v.checksum } : {}),
        })),
      };
    },
    async manifest(name, version): Promise<Result<Manifest>> {
      const row = await summary(name, version);
      const { bytes, file } = await manifestBytes(name, version);
      const judged = validateManifest(bytes, file, {
        path: { name, version },
        hasBundle: row.bundle_url !== undefined,
        ...(options.allowLoopbackHttp ? { allowLoopbackHttp: true } : {}),
      });
      const manifest = judged.value;
      // Mix-and-match (T4): the manifest must be the one the version list describes.
      if (manifest && (row.checksum ?? undefined) !== (manifest.installation.checksum ?? undefined)) {
        throw new RunnerError(
          "REGISTRY_DOCUMENT_INVALID",
          `The manifest of ${name}@${version} does not match the registry's version list`,
          { name, version },
        );
      }
      return { ...(manifest ? { value: manifest } : {}), findings: judged.findings };
    },
    async bundle(name, version) {
      const row = await summary(name, version);
      if (!row.bundle_url) return undefined;
      const url = documentUrl(row.bundle_url, root, pluginDocName(name), `bundle_url of ${version}`);
      const bytes = await read(url, Number.POSITIVE_INFINITY);
      return bytes === undefined ? undefined : parseUntrustedJson(bytes, url, MAX_BUNDLE_BYTES);
    },
    async trust() {
      // Optional discovery-document fields; a trust anchor given by the user takes precedence.
      const { doc } = await api();
      const out: RegistryTrust = {};
      if (!doc) return out;
      if (doc.official_signers) out.officialSigners = doc.official_signers;
      if (doc.trusted_cas) out.trustedCas = doc.trusted_cas;
      if (doc.sigstore_trusted_root !== undefined) {
        const url = documentUrl(doc.sigstore_trusted_root, root, options.url, "sigstore_trusted_root");
        const bytes = await read(url, ttl);
        if (bytes !== undefined) out.trustedRoot = parseUntrustedJson(bytes, url, MAX_TRUSTED_ROOT_BYTES);
      }
      if (doc.sigstore_additional_trusted_roots?.length) {
        out.additionalTrustedRoots = await Promise.all(
          doc.sigstore_additional_trusted_roots.map(async (path) => {
            const url = documentUrl(path, root, options.url, "sigstore_additional_trusted_roots");
            const bytes = await read(url, ttl);
            return bytes === undefined ? null : parseUntrustedJson(bytes, url, MAX_TRUSTED_ROOT_BYTES);
          }),
        );
      }
      return out;
    },
    async list(filter, search) {
      const { apiRoot, rest } = await api();
      const url = new URL(rest ? restPath({ kind: "plugin-index" }) : "plugins/index.json", apiRoot).href;
      const now = options.cache.now();
      if (!index || index.url !== url || now >= index.until) {
        const doc = getDoc("plugin-index", url, ttl);
        index = { url, until: now + ttl * 1000, doc };
        // A failed read is not kept: the next search asks again.
        doc.catch(() => {
          if (index?.doc === doc) index = undefined;
        });
      }
      const listed = await index.doc;
      const plugins = listed?.plugins ?? [];
      const searchables = searchablesOf(plugins);
      const found = search ? await search(searchables, filter) : searchIndexes(searchables, filter);
      return found.map((i) => listing(plugins[i]!));
    },
  };
}

type Listed = NonNullable<ApiDocuments["plugin-index"]>["plugins"];
const searchableMemo = new WeakMap<Listed, Searchable[]>();

/** The index's plugins lowercased for searching, once per index document (kept while it is). */
function searchablesOf(plugins: Listed): Searchable[] {
  let found = searchableMemo.get(plugins);
  if (!found) {
    found = plugins.map((p) => searchable(p.name, [p.description, ...p.keywords, ...p.capabilities]));
    searchableMemo.set(plugins, found);
  }
  return found;
}

/** An API document that is not one: REGISTRY_DOCUMENT_INVALID, with the loader's or the schema's findings. */
function documentError(url: string, findings: Finding[]): RunnerError {
  const first = findings[0];
  return new RunnerError(
    "REGISTRY_DOCUMENT_INVALID",
    `${url}: ${findings.map((f) => `${f.code} ${f.pointer || "/"} ${f.message}`).join("; ")}`,
    { url, findings, ...(first ? { first: first.code } : {}) },
  );
}
