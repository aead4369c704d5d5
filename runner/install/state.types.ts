import type { SecurityLevel } from "../../core/manifest.types.ts";
import type { ContainerRecord } from "../../core/oci/engine.types.ts";

/** One installed plugin, as recorded in `<pluginDir>/.finfocus-registry/state.json`. */
export interface InstalledPlugin {
  name: string;
  version: string;
  /** Absolute path of `<pluginDir>/<name>/v<version>`. */
  path: string;
  /** Unique per install; a journal entry with the same id means the install committed. */
  install_id: string;
  installed_at: string;
  /** True when the user asked for it, false when it came in as a dependency. */
  explicit: boolean;
  source: { kind: "registry" | "filesystem" | "url" | "git"; location: string };
  checksum?: string;
  checksum_algorithm?: string;
  security_level: SecurityLevel;
  signature_kind: "none" | "key" | "sigstore";
  dependencies: { name: string; version_constraint: string; optional: boolean }[];
  permissions: string[];
  /** A container created by an engine (podman or docker): `remove` removes it, `health` checks it. */
  container?: ContainerRecord | undefined;
  /** Relative path → sha256 of every file installed, for `verifyInstalled`. */
  files?: Record<string, string>;
  /**
   * What the manifest says of the plugin, for listings (the daemon's ListInstalledPlugins);
   * absent for versions installed before it was kept.
   */
  about?: {
    description: string;
    author: string;
    capabilities: string[];
    min_spec_version?: string;
    max_spec_version?: string;
  };
}

/** The whole state: ONE file, replaced atomically. */
export interface InstallState {
  format: 1;
  plugins: Record<string, InstalledPlugin>;
}
