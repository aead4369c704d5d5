/**
 * The typed client library of finfocus-registry: every operation the CLI offers, as functions with
 * typed requests and results (the spec's PluginRegistryService: Discover, GetManifest, Install,
 * Update, Remove, ListInstalled, CheckHealth), so a gRPC daemon or another tool can wrap them.
 *
 * ```ts
 * import { createContext, install } from "finfocus-registry/runner";
 * const context = createContext({ registryUrl: "https://registry.example", yes: true });
 * const { installed } = await install(context, { plugins: [{ name: "aws-cost", constraint: "^1.2.0" }] });
 * ```
 */
export type {
  DiscoveryConfigFile,
  DiscoverySourceConfig,
  GlobalSettings,
} from "./config/discovery-config.types.ts";
export { loadDiscoveryConfig, sourcesFromConfig } from "./config/load-config.ts";
export type { Approval, RunnerContext, RunnerEvent } from "./context.ts";
export { CURRENT_SPEC_VERSION } from "./context.ts";
export { type ClientOptions, createContext, DEFAULT_REGISTRY_URL } from "./create-context.ts";
export { isRunnerError, RunnerError, type RunnerErrorCode } from "./errors.ts";
export {
  checkHealth,
  type HealthProbe,
  type HealthRequest,
  type HealthResult,
  type HealthStatus,
  type HealthTls,
} from "./health/health.ts";
export { type LaunchedPlugin, type LaunchOptions, launchPlugin } from "./health/launch.ts";
export {
  checkLaunchedHealth,
  type LaunchedHealthRequest,
  type LaunchedHealthResult,
} from "./health/launched-health.ts";
export { DEFAULT_EXTRACT_LIMITS, type ExtractLimits } from "./install/archive-entries.ts";
export { extractArtifact } from "./install/extract.ts";
export { installedManifest } from "./install/installed-manifest.ts";
export type { InstallStep, StepHooks } from "./install/place.ts";
export type { InstalledPlugin, InstallState } from "./install/state.types.ts";
export {
  type ArtifactVerifier,
  createReleaseVerifier,
  type VerifyInput,
  type VerifyOutcome,
} from "./install/verify.ts";
export type { Clock, Fetcher, FetchRequest, FetchResponse } from "./net/fetcher.types.ts";
export { createHttpFetcher, type HttpFetcherOptions } from "./net/fetcher-http.ts";
export { type ConfigureRequest, type ConfigureResult, configure, validateConfig } from "./ops/configure.ts";
export { type InstallRequest, type InstallResult, install } from "./ops/install.ts";
export {
  type DiscoverResult,
  discover,
  type ExternalPlugin,
  type InfoResult,
  info,
  listExternal,
  listInstalled,
} from "./ops/list.ts";
export { type RemoveRequest, type RemoveResult, remove } from "./ops/remove.ts";
export { type UpdateOutcome, type UpdateRequest, update } from "./ops/update.ts";
export { type InstalledCheck, verifyInstalled } from "./ops/verify-installed.ts";
export { decidePolicy, type SecurityPolicy } from "./policy.ts";
export { type ResolvePlan, type ResolveRequest, resolvePlan } from "./resolve/resolve.ts";
export { currentSystem, type SystemInfo, unmetRequirements } from "./resolve/system.ts";
export { createFilesystemSource } from "./source/filesystem-source.ts";
export { createGitSource } from "./source/git-source.ts";
export { HttpCache } from "./source/http-cache.ts";
export { createRegistrySource } from "./source/registry-source.ts";
export type { MetadataSource, PluginListing, PluginVersions, SourceKind } from "./source/source.types.ts";
export { createUrlSource } from "./source/url-source.ts";
