import type { ExtractLimits } from "../core/archive/archive-entries.ts";
import type { UrlPolicy } from "../core/net/fetch-policy.ts";
import type { Clock, Fetcher } from "../core/net/fetcher.types.ts";
import type { ContainerEngine } from "../core/oci/engine.types.ts";
import type { OciDistribution } from "../core/oci/oci.types.ts";
import type { SystemInfo } from "../core/policy/system.ts";
import type { SecurityPolicy } from "../core/policy/trust-policy.ts";
import type { StepHooks } from "./install/place.ts";
import type { ArtifactVerifier } from "./install/verify.ts";
import type { MetadataSource, RegistryTrust, Searcher } from "./source/source.types.ts";

/** A question the runner needs answered: the CLI prompts, the library's caller decides. */
export interface Approval {
  kind: "permissions" | "untrusted" | "minor-update";
  plugin: string;
  question: string;
  permissions?: string[];
}

/** Progress and notices, for the CLI's text output (and a daemon's logs). */
export type RunnerEvent =
  | { kind: "download"; plugin: string; url: string; received: number; total: number | undefined }
  | { kind: "warning"; message: string }
  | { kind: "step"; plugin: string; message: string };

/**
 * Everything an operation needs from the outside world, passed in (ports): sources, fetcher,
 * clock, verifier, the plugin folder and the user's answers. Tests build one with loopback
 * servers and temp folders; the CLI builds one from flags and the discovery config.
 */
export interface RunnerContext {
  pluginDir: string;
  /** The FinFocus CLI's config whose `installed_plugins` follows installs and removals (none: left alone). */
  finfocusConfig?: string;
  sources: MetadataSource[];
  fetcher: Fetcher;
  /** The URL policy, checked for every URL before any cache answers (the fetcher checks every hop). */
  urlPolicy: UrlPolicy;
  clock: Clock;
  verifier: ArtifactVerifier;
  /** The container registry client (OCI distribution); without one, container installs are refused. */
  oci?: OciDistribution;
  /**
   * A container engine (podman or docker): container plugins are pulled by it, by digest, and
   * created as containers. Without one, the OCI client pulls and unpacks the image.
   */
  containerEngine?: ContainerEngine;
  /** The host's spec version (default: the current spec version). */
  specVersion: string;
  policy: SecurityPolicy;
  /**
   * Where artifacts are taken from instead of their download_url, by file name: a folder or a URL
   * (core/net/mirror.ts, the gate's meaning too). URL policy, checksum and signatures still apply.
   */
  artifactMirror?: string;
  maxDownloadBytes: number;
  /** Verified artifacts kept by checksum (none: no artifact cache). */
  artifactCacheDir?: string;
  /** How many discovery sources `discover` asks at once (the spec's concurrent_discoveries). */
  concurrentDiscoveries?: number;
  /** Where searches over a large index run (the daemon's search thread); default: this thread. */
  search?: Searcher;
  /** Only caches: no network at all. */
  offline?: boolean;
  extractLimits: ExtractLimits;
  allowScripts: boolean;
  scriptTimeoutMs: number;
  /**
   * The health check after install (core/health/after-install.ts): true also after a first
   * install (`--health-check`), false never (`--no-health-check`); default after updates only.
   */
  healthCheck?: boolean;
  /** How long a plugin checked after install may take to listen. Default 30 s. */
  healthLaunchTimeoutMs?: number;
  /** Approve everything (`--yes`). */
  yes: boolean;
  /** Permissions approved up front (`--allow-permissions`). */
  allowPermissions: string[];
  /** Asked when approval is needed and not given up front; absent = refuse. */
  approve?: (approval: Approval) => Promise<boolean>;
  /** Overrides the measured host (tests). */
  system?: SystemInfo;
  hooks?: StepHooks;
  lockTimeoutMs?: number;
  onEvent?: (event: RunnerEvent) => void;
  /** Trust anchors given out of band (e.g. the registry's config.json); override what a source publishes. */
  trust?: RegistryTrust;
}

export const CURRENT_SPEC_VERSION = "0.1.0";
