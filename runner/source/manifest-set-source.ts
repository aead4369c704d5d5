import semver from "semver";
import type { Finding, Result } from "../../core/findings.types.ts";
import { loadJson } from "../../core/json/load-json.ts";
import type { Manifest, SecurityLevel } from "../../core/manifest.types.ts";
import { type SecurityPolicy, ungovernedLevel } from "../../core/policy/trust-policy.ts";
import { manifestTexts, matchesFilter } from "../../core/text/search-filter.ts";
import { validateManifest } from "../../core/validate/validate-manifest.ts";
import { latestVersion } from "../../core/versions/pick.ts";
import { isRunnerError, RunnerError } from "../errors.ts";
import type {
  AvailableVersion,
  MetadataSource,
  PluginListing,
  PluginVersions,
  SourceKind,
} from "./source.types.ts";

export interface LocatedManifest {
  /** The file's bytes, exactly as found. */
  bytes: Uint8Array;
  /** Where it was found (file path or URL), for messages. */
  location: string;
}

/** A manifest that could not be read (one URL of several down): reported, the others still count. */
export interface UnreadManifest {
  location: string;
  error: RunnerError;
}

interface Judged {
  name: string;
  version: string;
  location: string;
  /** Present when the manifest passed the schema. */
  manifest?: Manifest;
  findings: Finding[];
}

export interface ManifestSetOptions {
  priority?: number;
  policy?: SecurityPolicy;
  /** Plain http to loopback hosts in manifests is acceptable (the user's `--allow-loopback-http`). */
  allowLoopbackHttp?: boolean;
  /** The configured default_security_level: what these plugins count as at most (default untrusted). */
  defaultLevel?: SecurityLevel;
  /** True when what was loaded may be out of date (a watched folder changed): load again. */
  stale?: () => boolean;
}

/**
 * A source over a set of loose manifests (a folder, a list of URLs, a git checkout), loaded once
 * on first use. Every manifest is judged by core's manifest validation, as `validate` judges a
 * lone file, and a refused one is refused at install with the same codes. These sources have no
 * governance behind them, so no signer is pinned and every plugin counts as `untrusted` whatever
 * it claims (or at most the configured default_security_level: core's `ungovernedLevel`): the
 * security policy decides (prompt by default).
 */
export function createManifestSetSource(
  kind: SourceKind,
  location: string,
  load: () => Promise<(LocatedManifest | UnreadManifest)[]>,
  options: ManifestSetOptions = {},
): MetadataSource {
  let loaded: Promise<Map<string, Judged[]>> | undefined;
  let unread: UnreadManifest[] = [];
  const level = (claimed: SecurityLevel | undefined) => ungovernedLevel(claimed, options.defaultLevel);
  const all = () => {
    if (options.stale?.()) loaded = undefined;
    loaded ??= (async () => {
      let files: (LocatedManifest | UnreadManifest)[];
      try {
        files = await load();
      } catch (error) {
        if (isRunnerError(error, "DISCOVERY_SOURCE_UNREACHABLE", "OFFLINE_CACHE_MISS")) throw error;
        throw new RunnerError(
          "DISCOVERY_SOURCE_UNREACHABLE",
          `${kind} source ${location}: ${(error as Error).message}`,
          { source: kind, location },
          { cause: error },
        );
      }
      unread = files.filter((f): f is UnreadManifest => "error" in f);
      const byName = new Map<string, Judged[]>();
      for (const file of files) {
        if ("error" in file) continue;
        const judged = judge(file, options);
        if (!judged) continue;
        byName.set(judged.name, [...(byName.get(judged.name) ?? []), judged]);
      }
      return byName;
    })();
    return loaded;
  };
  const find = async (name: string, version: string) => {
    const hit = (await all()).get(name)?.find((m) => m.version === version);
    if (!hit)
      throw new RunnerError("VERSION_NOT_FOUND", `${name}@${version} is not in ${location}`, {
        name,
        version,
      });
    return hit;
  };
  return {
    kind,
    location,
    priority: options.priority ?? 100,
    ...(options.policy ? { policy: options.policy } : {}),
    async versions(name): Promise<PluginVersions | undefined> {
      const list = (await all()).get(name);
      if (!list) return undefined;
      return {
        name,
        signers: { keys: [], sigstore: [] },
        deprecated: false,
        versions: list.map((j) => row(j, level)),
      };
    },
    async manifest(name, version): Promise<Result<Manifest>> {
      const hit = await find(name, version);
      if (!hit.manifest) return { findings: hit.findings };
      const capped: Manifest = {
        ...hit.manifest,
        security: { ...hit.manifest.security, security_level: level(hit.manifest.security?.security_level) },
      };
      return { value: capped, findings: hit.findings };
    },
    async bundle() {
      return undefined;
    },
    async list(filter) {
      const out: PluginListing[] = [];
      for (const [name, list] of await all()) {
        const valid = list.filter((j): j is Judged & { manifest: Manifest } => j.manifest !== undefined);
        const latest = latestVersion(valid)?.manifest;
        if (!latest) continue;
        if (!matchesFilter(filter, name, manifestTexts(latest))) continue;
        out.push({
          name,
          version: latest.metadata.version,
          description: latest.metadata.description,
          author: latest.metadata.author,
          security_level: level(latest.security?.security_level),
          capabilities: latest.specification.capabilities ?? [],
          providers: latest.specification.supported_providers,
          deprecated: false,
          source: kind,
          location,
        });
      }
      return out;
    },
    async problems() {
      await all();
      return unread.map((u) => ({ location: u.location, code: u.error.code, message: u.error.message }));
    },
  };
}

/**
 * A loose manifest judged by core, and the name and version it is listed under: from the manifest
 * when it passed the schema, else from its metadata when those two are at least strings (so an
 * install of that name is refused with the findings, not answered "not found"). Files that are
 * not JSON objects naming a plugin are not manifests and are left out.
 */
function judge(file: LocatedManifest, options: ManifestSetOptions): Judged | undefined {
  const result = validateManifest(
    file.bytes,
    file.location,
    options.allowLoopbackHttp ? { allowLoopbackHttp: true } : {},
  );
  const raw =
    result.value ?? (loadJson(file.bytes, { file: file.location }).value as Partial<Manifest> | undefined);
  const name = raw?.metadata?.name;
  const version = raw?.metadata?.version;
  if (typeof name !== "string" || typeof version !== "string" || !semver.valid(version)) return undefined;
  return {
    name,
    version,
    location: file.location,
    ...(result.value ? { manifest: result.value } : {}),
    findings: result.findings,
  };
}

function row(j: Judged, level: (claimed: SecurityLevel | undefined) => SecurityLevel): AvailableVersion {
  const m = j.manifest;
  return {
    version: j.version,
    dependencies: (m?.requirements?.dependencies ?? []).map((d) => ({ ...d, optional: d.optional === true })),
    yanked: false,
    prerelease: semver.prerelease(j.version) !== null,
    ...(m ? { spec_version: m.specification.spec_version } : {}),
    ...(m?.requirements?.min_spec_version ? { min_spec_version: m.requirements.min_spec_version } : {}),
    ...(m?.requirements?.max_spec_version ? { max_spec_version: m.requirements.max_spec_version } : {}),
    security_level: m ? level(m.security?.security_level) : "untrusted",
    ...(m?.installation.checksum ? { checksum: m.installation.checksum } : {}),
  };
}
