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

export { DEFAULT_EXTRACT_LIMITS, type ExtractLimits } from "../core/archive/archive-entries.ts";
export type {
  DiscoveryConfigFile,
  DiscoverySettings,
  DiscoverySourceConfig,
  EffectiveSource,
  GlobalSettings,
  RegistryConfigSection,
} from "../core/config/discovery-config.types.ts";
export type { Clock, Fetcher, FetchRequest, FetchResponse } from "../core/net/fetcher.types.ts";
export { unmetRequirements } from "../core/policy/system.ts";
export { decidePolicy, type SecurityPolicy } from "../core/policy/trust-policy.ts";
export { createHttpFetcher, type HttpFetcherOptions } from "../net/http-fetcher.ts";
export { createMirrorFetcher } from "../net/mirror-fetcher.ts";
export {
  type LoadedDiscoveryConfig,
  loadDiscoveryConfig,
  type SourceDeps,
  sourcesFromConfig,
} from "./config/load-config.ts";
export type { Approval, RunnerContext, RunnerEvent } from "./context.ts";
export { CURRENT_SPEC_VERSION } from "./context.ts";
export { type ClientOptions, createContext, DEFAULT_REGISTRY_URL } from "./create-context.ts";
export { isRunnerError, RunnerError, type RunnerErrorCode, refusalError } from "./errors.ts";
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
export { extractArtifact } from "./install/extract.ts";
export { installedManifest } from "./install/installed-manifest.ts";
export type { InstallStep, StepHooks } from "./install/place.ts";
export type { InstalledPlugin, InstallState } from "./install/state.types.ts";
export { currentSystem, type SystemInfo } from "./install/system.ts";
export {
  type ArtifactVerifier,
  createReleaseVerifier,
  type VerifyInput,
  type VerifyOutcome,
} from "./install/verify.ts";
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
export { type ResolvePlan, type ResolveRequest, resolvePlan } from "./resolve/resolve.ts";
export { type SandboxedProcess, type SandboxStart, startSandboxed } from "./sandbox/launch.ts";
export { type CliEntry, installLauncher, type LauncherResult } from "./sandbox/launcher.ts";
export { probeSandbox } from "./sandbox/probe.ts";
export { dataDirFor, type RunRequest, runInstalled } from "./sandbox/run-installed.ts";
export { createFilesystemSource } from "./source/filesystem-source.ts";
export { createGitSource } from "./source/git-source.ts";
export { HttpCache } from "./source/http-cache.ts";
export { createRegistryFolderSource } from "./source/registry-folder-source.ts";
export { createRegistrySource, registryCredentials } from "./source/registry-source.ts";
export type {
  MetadataSource,
  PluginListing,
  PluginVersions,
  Searcher,
  SourceKind,
} from "./source/source.types.ts";
export { createUrlSource } from "./source/url-source.ts";
