import { join } from "node:path";
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits } from "../core/archive/archive-entries.ts";
import { homeFolder } from "../core/home.ts";
import { type Clock, type Fetcher, systemClock } from "../core/net/fetcher.types.ts";
import type { ContainerEngine } from "../core/oci/engine.types.ts";
import type { OciDistribution } from "../core/oci/oci.types.ts";
import type { SystemInfo } from "../core/policy/system.ts";
import type { SecurityPolicy } from "../core/policy/trust-policy.ts";
import { createHttpFetcher } from "../net/http-fetcher.ts";
import { createOciDistribution } from "../net/oci-distribution.ts";
import { type Approval, CURRENT_SPEC_VERSION, type RunnerContext, type RunnerEvent } from "./context.ts";
import { finfocusConfigPath } from "./install/finfocus-config-fs.ts";
import type { StepHooks } from "./install/place.ts";
import { type ArtifactVerifier, createReleaseVerifier } from "./install/verify.ts";
import { HttpCache } from "./source/http-cache.ts";
import { createRegistrySource, registryCredentials } from "./source/registry-source.ts";
import type { MetadataSource, RegistryTrust } from "./source/source.types.ts";
import type { TufSettings } from "./source/tuf-session.ts";

/** The public registry's root, the default discovery source. */
export const DEFAULT_REGISTRY_URL = "https://registry.finfocus.dev";

export interface ClientOptions {
  /** Default `~/.finfocus/plugins`. */
  pluginDir?: string;
  /**
   * The FinFocus CLI's config.yaml to record installs in; false: none. Default `<home>/config.yaml`
   * when the plugin folder is `<home>/plugins` (so `~/.finfocus/config.yaml` by default), else none.
   */
  finfocusConfig?: string | false;
  /** A registry root; ignored when `sources` is given. Default DEFAULT_REGISTRY_URL. */
  registryUrl?: string;
  sources?: MetadataSource[];
  /** Default `~/.finfocus/cache/registry`. */
  cacheDir?: string;
  cacheTtlSeconds?: number;
  apiKey?: string;
  allowLoopbackHttp?: boolean;
  offline?: boolean;
  fetcher?: Fetcher;
  clock?: Clock;
  verifier?: ArtifactVerifier;
  /** The container registry client; default the OCI distribution API over `fetcher`; false: none. */
  oci?: OciDistribution | false;
  containerEngine?: ContainerEngine;
  specVersion?: string;
  policy?: SecurityPolicy;
  /**
   * Where artifacts are taken from by file name: an absolute folder, a `file:` URL or an http(s)
   * base URL (`mirrorSetting` in core/net/mirror.ts turns what a user typed into one).
   */
  artifactMirror?: string;
  maxDownloadBytes?: number;
  concurrentDiscoveries?: number;
  /** Keep verified artifacts here by checksum (reinstalls and `--offline`). */
  artifactCacheDir?: string;
  extractLimits?: ExtractLimits;
  allowScripts?: boolean;
  scriptTimeoutMs?: number;
  /** False skips the health check after install. */
  healthCheck?: boolean;
  healthLaunchTimeoutMs?: number;
  yes?: boolean;
  allowPermissions?: string[];
  approve?: (approval: Approval) => Promise<boolean>;
  system?: SystemInfo;
  hooks?: StepHooks;
  lockTimeoutMs?: number;
  onEvent?: (event: RunnerEvent) => void;
  trust?: RegistryTrust;
  /**
   * The TUF client's settings (docs/tuf.md): where this machine keeps each registry's trust state
   * (default `~/.finfocus/tuf`), a root given by configuration, and the switch that refuses
   * registries without TUF. A registry that publishes TUF metadata is always read through it.
   */
  tuf?: Partial<TufSettings>;
}

/** Builds a RunnerContext with the defaults filled in: the one place defaults live. */
export function createContext(options: ClientOptions = {}): RunnerContext {
  const clock = options.clock ?? systemClock;
  const urlPolicy = { allowLoopbackHttp: options.allowLoopbackHttp ?? false };
  const fetcher = options.fetcher ?? createHttpFetcher({ ...urlPolicy, clock });
  const registryUrl = options.registryUrl ?? DEFAULT_REGISTRY_URL;
  const credentials = registryCredentials(registryUrl, options.apiKey, undefined);
  const tuf = tufSettings(options);
  const sources = options.sources ?? [
    createRegistrySource({
      url: registryUrl,
      cache: new HttpCache({
        fetcher,
        clock,
        urlPolicy,
        dir: options.cacheDir ?? join(homeFolder(), ".finfocus", "cache", "registry"),
        ...(options.offline ? { offline: true } : {}),
        ...(credentials ? { credentials } : {}),
      }),
      ...(urlPolicy.allowLoopbackHttp ? { allowLoopbackHttp: true } : {}),
      tuf: { settings: tuf, fetcher, ...(credentials ? { credentials } : {}) },
      ...(options.cacheTtlSeconds !== undefined ? { ttlSeconds: options.cacheTtlSeconds } : {}),
    }),
  ];
  const pluginDir = options.pluginDir ?? join(homeFolder(), ".finfocus", "plugins");
  const finfocusConfig = finfocusConfigPath(pluginDir, options.finfocusConfig);
  return {
    pluginDir,
    ...(finfocusConfig ? { finfocusConfig } : {}),
    sources,
    fetcher,
    urlPolicy,
    clock,
    verifier: options.verifier ?? createReleaseVerifier({ now: () => new Date(clock.now()) }),
    ...(options.oci === false ? {} : { oci: options.oci ?? createOciDistribution(fetcher, urlPolicy) }),
    ...(options.containerEngine ? { containerEngine: options.containerEngine } : {}),
    specVersion: options.specVersion ?? CURRENT_SPEC_VERSION,
    policy: options.policy ?? { allow_untrusted: false, prompt_for_untrusted: true },
    ...(options.artifactMirror ? { artifactMirror: options.artifactMirror } : {}),
    maxDownloadBytes: options.maxDownloadBytes ?? 256 * 1024 * 1024,
    ...(options.artifactCacheDir ? { artifactCacheDir: options.artifactCacheDir } : {}),
    ...(options.offline ? { offline: true } : {}),
    ...(options.concurrentDiscoveries ? { concurrentDiscoveries: options.concurrentDiscoveries } : {}),
    extractLimits: options.extractLimits ?? DEFAULT_EXTRACT_LIMITS,
    allowScripts: options.allowScripts ?? false,
    scriptTimeoutMs: options.scriptTimeoutMs ?? 60_000,
    ...(options.healthCheck !== undefined ? { healthCheck: options.healthCheck } : {}),
    ...(options.healthLaunchTimeoutMs !== undefined
      ? { healthLaunchTimeoutMs: options.healthLaunchTimeoutMs }
      : {}),
    yes: options.yes ?? false,
    allowPermissions: options.allowPermissions ?? [],
    ...(options.approve ? { approve: options.approve } : {}),
    ...(options.system ? { system: options.system } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
    ...(options.lockTimeoutMs !== undefined ? { lockTimeoutMs: options.lockTimeoutMs } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.trust ? { trust: options.trust } : {}),
  };
}

/** The TUF settings with their defaults (trust state under `~/.finfocus/tuf`). */
export function tufSettings(options: Pick<ClientOptions, "tuf" | "offline">): TufSettings {
  return {
    dir: options.tuf?.dir ?? join(homeFolder(), ".finfocus", "tuf"),
    ...(options.tuf?.root ? { root: options.tuf.root } : {}),
    ...(options.tuf?.required ? { required: true } : {}),
    ...(options.offline ? { offline: true } : {}),
  };
}
