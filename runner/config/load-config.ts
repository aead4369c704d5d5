import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { UrlPolicy } from "../../core/net/fetch-policy.ts";
import type { Clock, Fetcher } from "../../core/net/fetcher.types.ts";
import type { RegistryConfig } from "../../core/registry.types.ts";
import schema from "../../schemas/discovery-config.schema.json" with { type: "json" };
import { parseUntrustedJson } from "../core-link.ts";
import { RunnerError } from "../errors.ts";
import { createFilesystemSource } from "../source/filesystem-source.ts";
import { createGitSource } from "../source/git-source.ts";
import { HttpCache } from "../source/http-cache.ts";
import { createRegistrySource, registryCredentials } from "../source/registry-source.ts";
import type { MetadataSource, RegistryTrust } from "../source/source.types.ts";
import type { TufSettings } from "../source/tuf-session.ts";
import { createUrlSource } from "../source/url-source.ts";
import type { DiscoveryConfigFile } from "./discovery-config.types.ts";

const validate = new Ajv2020({ strict: false, allErrors: true }).compile<DiscoveryConfigFile>(schema);

/** `${NAME}` → the environment's value (an unset variable is an error, never an empty secret). */
export function expandEnv(text: string, env: NodeJS.ProcessEnv, where: string): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = env[name];
    if (value === undefined)
      throw new RunnerError("USAGE", `${where} uses \${${name}}, which is not set`, { variable: name });
    return value;
  });
}

/**
 * Trust anchors from a registry's config.json, given by the user out of band: its official
 * signers, the CAs certificate chains must lead to, and its Sigstore trusted root (a path relative to the registry root, the config's folder).
 */
export async function trustFromRegistryConfig(file: string): Promise<RegistryTrust> {
  let config: RegistryConfig;
  try {
    config = parseUntrustedJson(await readFile(file), file, 1024 * 1024) as RegistryConfig;
  } catch (error) {
    throw new RunnerError("USAGE", `Cannot read the registry config ${file}: ${(error as Error).message}`, {
      file,
    });
  }
  const trust: RegistryTrust = {};
  if (config.official_signers) trust.officialSigners = config.official_signers;
  if (config.trusted_cas) trust.trustedCas = config.trusted_cas;
  if (config.sigstore_trusted_root) {
    const rootFile = resolve(dirname(file), config.sigstore_trusted_root);
    trust.trustedRoot = parseUntrustedJson(await readFile(rootFile), rootFile, 4 * 1024 * 1024);
  }
  return trust;
}

/** Reads and validates a discovery config file (schemas/discovery-config.schema.json). */
export async function loadDiscoveryConfig(file: string): Promise<DiscoveryConfigFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new RunnerError("USAGE", `Cannot read the config file ${file}: ${(error as Error).message}`, {
      file,
    });
  }
  const value = parseUntrustedJson(bytes, file, 1024 * 1024);
  if (!validate(value)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
    throw new RunnerError("USAGE", `${file} is not a valid registry_config: ${problems.join("; ")}`, {
      file,
      problems,
    });
  }
  return value;
}

export interface SourceDeps {
  fetcher: Fetcher;
  urlPolicy: UrlPolicy;
  clock: Clock;
  cacheDir: string;
  offline: boolean;
  /** The TUF client's settings for registry sources (see runner/source/tuf-session.ts). */
  tuf?: TufSettings;
  env: NodeJS.ProcessEnv;
  baseDir: string;
}

/** Builds the enabled sources of a config, ordered by priority (lower first, then file order). */
export function sourcesFromConfig(config: DiscoveryConfigFile, deps: SourceDeps): MetadataSource[] {
  const ttl = config.registry_config.global_settings?.cache_ttl_seconds;
  const list = config.registry_config.discovery_sources
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.enabled !== false)
    .sort((a, b) => (a.s.priority ?? 100) - (b.s.priority ?? 100) || a.i - b.i);
  return list.map(({ s }) => {
    const where = `discovery source ${s.name ?? s.type}`;
    const loopback = deps.urlPolicy.allowLoopbackHttp ? { allowLoopbackHttp: true } : {};
    const common = {
      priority: s.priority ?? 100,
      ...(s.security_policy ? { policy: s.security_policy } : {}),
    };
    const headers = (h: Record<string, string> | undefined) =>
      h
        ? Object.fromEntries(Object.entries(h).map(([k, v]) => [k, expandEnv(v, deps.env, where)]))
        : undefined;
    switch (s.type) {
      case "registry": {
        const apiKey = s.api_key ? expandEnv(s.api_key, deps.env, where) : undefined;
        const h = headers(s.headers);
        const credentials = registryCredentials(s.url, apiKey, h);
        return createRegistrySource({
          url: s.url,
          cache: new HttpCache({
            fetcher: deps.fetcher,
            clock: deps.clock,
            urlPolicy: deps.urlPolicy,
            dir: resolve(deps.cacheDir, "registry"),
            ...(deps.offline ? { offline: true } : {}),
            ...(credentials ? { credentials } : {}),
          }),
          ...(ttl !== undefined ? { ttlSeconds: ttl } : {}),
          ...(deps.tuf
            ? { tuf: { settings: deps.tuf, fetcher: deps.fetcher, ...(credentials ? { credentials } : {}) } }
            : {}),
          ...common,
        });
      }
      case "filesystem":
        return createFilesystemSource(resolve(deps.baseDir, s.path), {
          recursive: s.recursive ?? true,
          ...loopback,
          ...common,
        });
      case "url": {
        const h = headers(s.headers);
        return createUrlSource(s.urls, deps.fetcher, {
          ...(h ? { headers: h } : {}),
          ...loopback,
          ...common,
        });
      }
      default:
        return createGitSource(s.url, deps.cacheDir, {
          ...loopback,
          ...(s.branch ? { branch: s.branch } : {}),
          ...(s.path ? { path: s.path } : {}),
          ...common,
        });
    }
  });
}
