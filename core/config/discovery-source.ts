import type { SecurityLevel } from "../manifest.types.ts";
import { resolvedHttpUrl } from "../url-policy.ts";
import type { DiscoverySourceConfig, EffectiveSource } from "./discovery-config.types.ts";

/** What every source's decision needs from the whole configuration. */
export interface SourceCheck {
  env: Readonly<Record<string, string | undefined>>;
  problem: (pointer: string, message: string) => void;
  defaultLevel: SecurityLevel;
  /** global_settings.default_timeout_seconds. */
  timeoutSeconds?: number;
  /** global_settings.cache_ttl_seconds. */
  cacheTtlSeconds?: number;
}

/** The registry documents' freshness when neither the source nor the global settings say. */
export const DEFAULT_CACHE_TTL_SECONDS = 300;

/**
 * `${NAME}` in a secret replaced by the environment's value. An unset variable is a problem at
 * `pointer` (never an empty secret); the value itself never appears in a message.
 */
export function expandEnv(text: string, pointer: string, check: SourceCheck): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = check.env[name];
    if (value === undefined) {
      check.problem(
        pointer,
        `uses \${${name}}, which is not set in the environment: set it or write the value`,
      );
      return "";
    }
    return value;
  });
}

function expandHeaders(
  headers: Record<string, string> | undefined,
  pointer: string,
  check: SourceCheck,
): { headers?: Record<string, string> } {
  if (!headers) return {};
  return {
    headers: Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, expandEnv(v, `${pointer}/headers/${k}`, check)]),
    ),
  };
}

/**
 * One enabled source with its defaults applied: the source's own timeout, else the global
 * default; the registry's cache TTL likewise; secrets expanded. Problems are reported through
 * `check.problem` at the key's pointer.
 */
export function effectiveSource(
  source: DiscoverySourceConfig,
  index: number,
  pointer: string,
  check: SourceCheck,
): EffectiveSource | undefined {
  const timeout = ("timeout_seconds" in source ? source.timeout_seconds : undefined) ?? check.timeoutSeconds;
  const common = {
    index,
    label: source.name ?? `${source.type} #${index}`,
    priority: source.priority ?? 100,
    ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}),
    ...(source.security_policy ? { policy: source.security_policy } : {}),
  };
  switch (source.type) {
    case "registry":
      // The registry source joins its paths to this URL (and urlProblem later says whether it may be fetched).
      if (resolvedHttpUrl(source.url) === undefined) {
        check.problem(`${pointer}/url`, "is not an http(s) URL: give the registry's https:// root");
        return undefined;
      }
      return {
        ...common,
        type: "registry",
        url: source.url,
        ...(source.api_key !== undefined
          ? { apiKey: expandEnv(source.api_key, `${pointer}/api_key`, check) }
          : {}),
        ...expandHeaders(source.headers, pointer, check),
        cacheTtlSeconds: source.cache_ttl_seconds ?? check.cacheTtlSeconds ?? DEFAULT_CACHE_TTL_SECONDS,
      };
    case "filesystem":
      return {
        ...common,
        type: "filesystem",
        path: source.path,
        recursive: source.recursive ?? true,
        ...(source.manifest_filename ? { manifestFilename: source.manifest_filename } : {}),
        watchChanges: source.watch_changes === true,
        defaultLevel: check.defaultLevel,
      };
    case "url":
      return {
        ...common,
        type: "url",
        urls: source.urls,
        ...expandHeaders(source.headers, pointer, check),
        defaultLevel: check.defaultLevel,
      };
    default:
      return gitSource(source, pointer, common, check);
  }
}

function gitSource(
  source: Extract<DiscoverySourceConfig, { type: "git" }>,
  pointer: string,
  common: Omit<EffectiveSource, "type" | "defaultLevel">,
  check: SourceCheck,
): EffectiveSource | undefined {
  if (source.repository !== undefined && source.url !== undefined) {
    check.problem(`${pointer}/url`, "'url' is the older name of 'repository': keep one");
    return undefined;
  }
  const repository = source.repository ?? source.url;
  if (repository === undefined) {
    check.problem(`${pointer}/repository`, "'repository' is required: the git repository's URL");
    return undefined;
  }
  const key = source.repository !== undefined ? "repository" : "url";
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(repository) && !/^ssh:\/\/[^/:@]+@[^/@]+/i.test(repository)) {
    check.problem(
      `${pointer}/${key}`,
      "holds credentials: move them to 'credentials' (username, and a password that may name an environment variable), which never reach a URL",
    );
    return undefined;
  }
  const credentials = source.credentials
    ? {
        username: expandEnv(source.credentials.username ?? "token", `${pointer}/credentials/username`, check),
        password: expandEnv(source.credentials.password, `${pointer}/credentials/password`, check),
      }
    : undefined;
  return {
    ...common,
    type: "git",
    repository,
    ...(source.branch ? { branch: source.branch } : {}),
    ...(source.path ? { path: source.path } : {}),
    ...(source.sync_interval_seconds !== undefined
      ? { syncIntervalSeconds: source.sync_interval_seconds }
      : {}),
    ...(credentials ? { credentials } : {}),
    defaultLevel: check.defaultLevel,
  };
}
