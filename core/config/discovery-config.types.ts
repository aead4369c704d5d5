import type { SecurityLevel } from "../manifest.types.ts";
import type { SecurityPolicy } from "../policy/trust-policy.ts";

/**
 * The spec's discovery configuration as written (schemas/discovery-config.schema.json): the
 * `registry_config` object, from a file that wraps it or from one of the spec's per-mechanism
 * snippets that does not.
 */
export interface RegistryConfigSection {
  discovery_sources: DiscoverySourceConfig[];
  global_settings?: GlobalSettings;
}

/** A discovery configuration file: the spec's wrapped form, or a snippet without the wrapper. */
export type DiscoveryConfigFile = { registry_config: RegistryConfigSection } | RegistryConfigSection;

interface SourceBase {
  name?: string;
  enabled?: boolean;
  /** Lower numbers are asked first; ties keep file order. */
  priority?: number;
  security_policy?: SecurityPolicy;
}

export type RegistrySourceConfig = SourceBase & {
  type: "registry";
  url: string;
  api_key?: string;
  headers?: Record<string, string>;
  timeout_seconds?: number;
  cache_ttl_seconds?: number;
};
export type FilesystemSourceConfig = SourceBase & {
  type: "filesystem";
  path: string;
  recursive?: boolean;
  manifest_filename?: string;
  watch_changes?: boolean;
};
export type UrlSourceConfig = SourceBase & {
  type: "url";
  urls: string[];
  headers?: Record<string, string>;
  timeout_seconds?: number;
};
export type GitSourceConfig = SourceBase & {
  type: "git";
  repository?: string;
  /** Older name of `repository`. */
  url?: string;
  branch?: string;
  path?: string;
  timeout_seconds?: number;
  sync_interval_seconds?: number;
  credentials?: { username?: string; password: string };
};

export type DiscoverySourceConfig =
  | RegistrySourceConfig
  | FilesystemSourceConfig
  | UrlSourceConfig
  | GitSourceConfig;

/** The global security policy: the per-source keys plus two that only the global one has. */
export interface GlobalSecurityPolicy extends SecurityPolicy {
  /** The level plugins from sources without governance (filesystem, url, git) count as, at most. */
  default_security_level?: SecurityLevel;
  verify_signatures?: boolean;
}

export interface GlobalSettings {
  concurrent_discoveries?: number;
  default_timeout_seconds?: number;
  /** Older name of default_timeout_seconds. */
  timeout_seconds?: number;
  cache_ttl_seconds?: number;
  cache_directory?: string;
  /** Older name of cache_directory. */
  cache_dir?: string;
  plugin_dir?: string;
  security_policy?: GlobalSecurityPolicy;
}

/** One enabled source with every default applied and `${ENV}` already replaced. */
export type EffectiveSource = {
  /** Its index in `discovery_sources`, for messages. */
  index: number;
  /** Its `name`, else `<type> #<index>`. */
  label: string;
  priority: number;
  /** The source's timeout_seconds, else global default_timeout_seconds; undefined: the adapter's default. */
  timeoutSeconds?: number;
  policy?: SecurityPolicy;
} & (
  | {
      type: "registry";
      url: string;
      apiKey?: string;
      headers?: Record<string, string>;
      cacheTtlSeconds: number;
    }
  | {
      type: "filesystem";
      path: string;
      recursive: boolean;
      manifestFilename?: string;
      watchChanges: boolean;
      defaultLevel: SecurityLevel;
    }
  | { type: "url"; urls: string[]; headers?: Record<string, string>; defaultLevel: SecurityLevel }
  | {
      type: "git";
      repository: string;
      branch?: string;
      path?: string;
      /** Fetch again only when the last sync is older; undefined: every run. */
      syncIntervalSeconds?: number;
      credentials?: { username: string; password: string };
      defaultLevel: SecurityLevel;
    }
);

/** What a discovery configuration means: the only shape the runner reads. */
export interface DiscoverySettings {
  /** The enabled sources, in the order they are asked (priority, then file order). */
  sources: EffectiveSource[];
  concurrentDiscoveries?: number;
  cacheDirectory?: string;
  pluginDir?: string;
  /** The global security policy (per-source policies are layered over it). */
  policy?: SecurityPolicy;
}
