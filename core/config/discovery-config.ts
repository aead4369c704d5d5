/**
 * The discovery configuration, decided once: the spec's `registry_config` (wrapped or as one of
 * its per-mechanism snippets) becomes the settings the runner acts on, or findings that each name
 * the file, the pointer of the key (`/registry_config/discovery_sources/2/timeout_secs`) and what
 * to do, one per problem.
 */
import type { Finding, Result } from "../findings.types.ts";
import { loadJson } from "../json/load-json.ts";
import { attachPositions } from "../json/positions.ts";
import { SECURITY_LEVELS, type SecurityLevel } from "../manifest.types.ts";
import { discoveryConfig as validate } from "../schema/generated/discovery-config.js";
import { schemaFindings } from "../schema/schema-findings.ts";
import type { DiscoverySettings, RegistryConfigSection } from "./discovery-config.types.ts";
import { effectiveSource, type SourceCheck } from "./discovery-source.ts";

/** Reads a discovery configuration file's bytes; `env` supplies `${NAME}` in secrets. */
export function readDiscoveryConfig(
  bytes: Uint8Array,
  file: string,
  env: Readonly<Record<string, string | undefined>>,
): Result<DiscoverySettings> {
  const loaded = loadJson(bytes, { file });
  if (loaded.value === undefined) return { findings: loaded.findings };
  const result = checkDiscoveryConfig(loaded.value, file, env);
  return { ...result, findings: attachPositions(result.findings, loaded.text ?? "") };
}

/** The decision on an already parsed configuration (see `readDiscoveryConfig`). */
export function checkDiscoveryConfig(
  value: unknown,
  file: string,
  env: Readonly<Record<string, string | undefined>>,
): Result<DiscoverySettings> {
  if (!validate(value)) {
    return { findings: schemaFindings(validate.errors ?? [], file, "DISCOVERY_CONFIG_INVALID") };
  }
  const wrapped = Object.hasOwn(value as object, "registry_config");
  const section = (
    wrapped ? (value as { registry_config: unknown }).registry_config : value
  ) as RegistryConfigSection;
  const root = wrapped ? "/registry_config" : "";
  const findings: Finding[] = [];
  const problem = (pointer: string, message: string) =>
    findings.push({ code: "DISCOVERY_CONFIG_INVALID", severity: "error", message, file, pointer });
  // Paths, URLs and repositories reach the file system, fetches and git: none takes a NUL byte.
  for (const pointer of nulStrings(section, root))
    problem(pointer, "holds a NUL byte (\\u0000), which no path, URL or repository can: remove it");
  const g = section.global_settings ?? {};
  const gp = `${root}/global_settings`;
  if (g.default_timeout_seconds !== undefined && g.timeout_seconds !== undefined)
    problem(
      `${gp}/timeout_seconds`,
      "'timeout_seconds' is the older name of 'default_timeout_seconds': keep one",
    );
  if (g.cache_directory !== undefined && g.cache_dir !== undefined)
    problem(`${gp}/cache_dir`, "'cache_dir' is the older name of 'cache_directory': keep one");
  const { default_security_level, verify_signatures, ...policy } = g.security_policy ?? {};
  const defaultLevel: SecurityLevel = default_security_level ?? "untrusted";
  if (SECURITY_LEVELS.indexOf(defaultLevel) > SECURITY_LEVELS.indexOf("community")) {
    problem(
      `${gp}/security_policy/default_security_level`,
      `'${defaultLevel}' needs signers pinned by a registry; sources without one (filesystem, url, git) can be at most 'community'`,
    );
  }
  if (verify_signatures === false) {
    findings.push({
      code: "DISCOVERY_SETTING_IGNORED",
      severity: "warning",
      message:
        "signatures are always verified: false is ignored (use min_security_level and require_signature to choose what is accepted)",
      file,
      pointer: `${gp}/security_policy/verify_signatures`,
    });
  }
  const check: SourceCheck = {
    env,
    problem,
    defaultLevel,
    ...((g.default_timeout_seconds ?? g.timeout_seconds)
      ? { timeoutSeconds: (g.default_timeout_seconds ?? g.timeout_seconds) as number }
      : {}),
    ...(g.cache_ttl_seconds !== undefined ? { cacheTtlSeconds: g.cache_ttl_seconds } : {}),
  };
  const names = new Map<string, number>();
  const sources = section.discovery_sources.flatMap((source, index) => {
    const pointer = `${root}/discovery_sources/${index}`;
    if (source.name !== undefined) {
      const first = names.get(source.name);
      if (first !== undefined)
        problem(`${pointer}/name`, `'${source.name}' is already the name of discovery source ${first}`);
      else names.set(source.name, index);
    }
    if (source.enabled === false) return [];
    const effective = effectiveSource(source, index, pointer, check);
    return effective ? [effective] : [];
  });
  if (findings.some((f) => f.severity === "error")) return { findings };
  sources.sort((a, b) => a.priority - b.priority || a.index - b.index);
  const cacheDirectory = g.cache_directory ?? g.cache_dir;
  return {
    value: {
      sources,
      ...(g.concurrent_discoveries ? { concurrentDiscoveries: g.concurrent_discoveries } : {}),
      ...(cacheDirectory ? { cacheDirectory } : {}),
      ...(g.plugin_dir ? { pluginDir: g.plugin_dir } : {}),
      ...(g.security_policy ? { policy } : {}),
    },
    findings,
  };
}

/** The pointers of the strings below `value` that hold a NUL byte (the schema bounds the depth). */
function nulStrings(value: unknown, pointer: string): string[] {
  if (typeof value === "string") return value.includes("\0") ? [pointer] : [];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    nulStrings(child, `${pointer}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`),
  );
}
