import type { SecurityPolicy } from "../policy.ts";

/** The spec's `registry_config` (schemas/discovery-config.schema.json). `${ENV}` is expanded in api_key and headers. */
export interface DiscoveryConfigFile {
  registry_config: {
    discovery_sources: DiscoverySourceConfig[];
    global_settings?: GlobalSettings;
  };
}

interface SourceBase {
  name?: string;
  enabled?: boolean;
  /** Lower numbers are asked first; ties keep file order. */
  priority?: number;
  security_policy?: SecurityPolicy;
}

export type DiscoverySourceConfig =
  | (SourceBase & { type: "registry"; url: string; api_key?: string; headers?: Record<string, string> })
  | (SourceBase & { type: "filesystem"; path: string; recursive?: boolean; watch_changes?: boolean })
  | (SourceBase & { type: "url"; urls: string[]; headers?: Record<string, string> })
  | (SourceBase & {
      type: "git";
      url: string;
      branch?: string;
      path?: string;
      sync_interval_seconds?: number;
    });

export interface GlobalSettings {
  cache_ttl_seconds?: number;
  concurrent_discoveries?: number;
  plugin_dir?: string;
  cache_dir?: string;
  timeout_seconds?: number;
  security_policy?: SecurityPolicy;
}
