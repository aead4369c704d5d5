import semver from "semver";
import type { Manifest } from "../../core/manifest.types.ts";
import { isRegistryVersion } from "../../core/versions.ts";
import { RunnerError } from "../errors.ts";
import type { SecurityPolicy } from "../policy.ts";
import type { MetadataSource, PluginListing, PluginVersions, SourceKind } from "./source.types.ts";

export interface LocatedManifest {
  manifest: Manifest;
  /** Where it was found (file path or URL), for messages. */
  location: string;
}

/**
 * A source over a set of loose manifests (a folder, a list of URLs, a git checkout), loaded once
 * on first use. These sources have no governance behind them, so no signer is pinned and every
 * plugin counts as `untrusted` whatever it claims: the security policy decides (prompt by default).
 */
export function createManifestSetSource(
  kind: SourceKind,
  location: string,
  load: () => Promise<LocatedManifest[]>,
  options: { priority?: number; policy?: SecurityPolicy } = {},
): MetadataSource {
  let loaded: Promise<Map<string, LocatedManifest[]>> | undefined;
  const all = () => {
    loaded ??= (async () => {
      let manifests: LocatedManifest[];
      try {
        manifests = await load();
      } catch (error) {
        if (error instanceof RunnerError && error.code === "DISCOVERY_SOURCE_UNREACHABLE") throw error;
        throw new RunnerError(
          "DISCOVERY_SOURCE_UNREACHABLE",
          `${kind} source ${location}: ${(error as Error).message}`,
          { source: kind, location },
          { cause: error },
        );
      }
      const byName = new Map<string, LocatedManifest[]>();
      for (const m of manifests) {
        const name = m.manifest?.metadata?.name;
        const version = m.manifest?.metadata?.version;
        if (typeof name !== "string" || typeof version !== "string" || !isRegistryVersion(version)) continue;
        const untrusted: Manifest = {
          ...m.manifest,
          security: { ...m.manifest.security, security_level: "untrusted" },
        };
        byName.set(name, [...(byName.get(name) ?? []), { ...m, manifest: untrusted }]);
      }
      return byName;
    })();
    return loaded;
  };
  const find = async (name: string, version: string) => {
    const hit = (await all()).get(name)?.find((m) => m.manifest.metadata.version === version);
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
        versions: list.map(({ manifest: m }) => ({
          version: m.metadata.version,
          dependencies: (m.requirements?.dependencies ?? []).map((d) => ({
            ...d,
            optional: d.optional === true,
          })),
          yanked: false,
          prerelease: semver.prerelease(m.metadata.version) !== null,
          spec_version: m.specification?.spec_version,
          ...(m.requirements?.min_spec_version ? { min_spec_version: m.requirements.min_spec_version } : {}),
          ...(m.requirements?.max_spec_version ? { max_spec_version: m.requirements.max_spec_version } : {}),
          security_level: "untrusted",
          ...(m.installation?.checksum ? { checksum: m.installation.checksum } : {}),
        })),
      };
    },
    async manifest(name, version) {
      return (await find(name, version)).manifest;
    },
    async bundle() {
      return undefined;
    },
    async list(filter) {
      const needle = filter.toLowerCase();
      const out: PluginListing[] = [];
      for (const [name, list] of await all()) {
        const latest = list
          .map((l) => l.manifest)
          .sort((a, b) => semver.rcompare(a.metadata.version, b.metadata.version))[0];
        if (!latest) continue;
        const text = [name, latest.metadata.description, ...(latest.metadata.keywords ?? [])]
          .join(" ")
          .toLowerCase();
        if (!text.includes(needle)) continue;
        out.push({
          name,
          version: latest.metadata.version,
          description: latest.metadata.description,
          author: latest.metadata.author,
          security_level: "untrusted",
          capabilities: latest.specification?.capabilities ?? [],
          providers: latest.specification?.supported_providers ?? [],
          deprecated: false,
          source: kind,
          location,
        });
      }
      return out;
    },
  };
}
