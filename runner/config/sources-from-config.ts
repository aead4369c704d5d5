import { resolve } from "node:path";
import type { DiscoverySettings, EffectiveSource } from "../../core/config/discovery-config.types.ts";
import type { UrlPolicy } from "../../core/net/fetch-policy.ts";
import type { Clock, Fetcher } from "../../core/net/fetcher.types.ts";
import { createFilesystemSource } from "../source/filesystem-source.ts";
import { createGitSource } from "../source/git-source.ts";
import { HttpCache } from "../source/http-cache.ts";
import { createRegistrySource, registryCredentials } from "../source/registry-source.ts";
import type { MetadataSource } from "../source/source.types.ts";
import type { TufSettings } from "../source/tuf-session.ts";
import { createUrlSource } from "../source/url-source.ts";

export interface SourceDeps {
  fetcher: Fetcher;
  urlPolicy: UrlPolicy;
  clock: Clock;
  cacheDir: string;
  offline: boolean;
  /** Relative filesystem paths are relative to this folder (the configuration file's). */
  baseDir: string;
  /** The TUF client's settings for registry sources (see runner/source/tuf-session.ts). */
  tuf?: TufSettings;
}

/**
 * The sources of a discovery configuration as core decided it: enabled ones only, in the order
 * they are asked, each with its own timeout, cache TTL, credentials and policy.
 */
export function sourcesFromConfig(settings: DiscoverySettings, deps: SourceDeps): MetadataSource[] {
  return settings.sources.map((s) => sourceFor(s, deps));
}

function sourceFor(s: EffectiveSource, deps: SourceDeps): MetadataSource {
  const loopback = deps.urlPolicy.allowLoopbackHttp ? { allowLoopbackHttp: true } : {};
  const common = { priority: s.priority, ...(s.policy ? { policy: s.policy } : {}) };
  const timeout = s.timeoutSeconds !== undefined ? { timeoutMs: s.timeoutSeconds * 1000 } : {};
  switch (s.type) {
    case "registry": {
      const credentials = registryCredentials(s.url, s.apiKey, s.headers);
      return createRegistrySource({
        url: s.url,
        cache: new HttpCache({
          fetcher: deps.fetcher,
          clock: deps.clock,
          urlPolicy: deps.urlPolicy,
          dir: resolve(deps.cacheDir, "registry"),
          ...(deps.offline ? { offline: true } : {}),
          ...(credentials ? { credentials } : {}),
          ...(s.timeoutSeconds !== undefined ? { deadlineMs: s.timeoutSeconds * 1000 } : {}),
        }),
        ttlSeconds: s.cacheTtlSeconds,
        ...(deps.tuf
          ? { tuf: { settings: deps.tuf, fetcher: deps.fetcher, ...(credentials ? { credentials } : {}) } }
          : {}),
        ...loopback,
        ...common,
      });
    }
    case "filesystem":
      return createFilesystemSource(resolve(deps.baseDir, s.path), {
        recursive: s.recursive,
        ...(s.manifestFilename ? { manifestFilename: s.manifestFilename } : {}),
        ...(s.watchChanges ? { watchChanges: true } : {}),
        defaultLevel: s.defaultLevel,
        ...loopback,
        ...common,
      });
    case "url":
      return createUrlSource(s.urls, deps.fetcher, {
        cache: {
          dir: deps.cacheDir,
          clock: deps.clock,
          urlPolicy: deps.urlPolicy,
          ...(deps.offline ? { offline: true } : {}),
        },
        ...(s.headers ? { headers: s.headers } : {}),
        ...timeout,
        defaultLevel: s.defaultLevel,
        ...loopback,
        ...common,
      });
    default:
      return createGitSource(s.repository, deps.cacheDir, {
        ...(s.branch ? { branch: s.branch } : {}),
        ...(s.path ? { path: s.path } : {}),
        ...(s.syncIntervalSeconds !== undefined ? { syncIntervalSeconds: s.syncIntervalSeconds } : {}),
        ...(s.credentials ? { credentials: s.credentials } : {}),
        ...(deps.offline ? { offline: true } : {}),
        clock: deps.clock,
        ...timeout,
        defaultLevel: s.defaultLevel,
        ...loopback,
        ...common,
      });
  }
}
