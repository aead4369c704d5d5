import { dirname, resolve } from "node:path";
import { readDiscoveryConfig } from "../../core/config/discovery-config.ts";
import type { DiscoverySettings } from "../../core/config/discovery-config.types.ts";
import type { Finding } from "../../core/findings.types.ts";
import { readLocalFile } from "../../core/json/local-file.ts";
import type { RegistryConfig } from "../../core/registry.types.ts";
import { MAX_TRUSTED_ROOT_BYTES } from "../../core/signature/trusted-root.ts";
import { parseUntrustedJson } from "../core-link.ts";
import { RunnerError } from "../errors.ts";
import type { RegistryTrust } from "../source/source.types.ts";

export { type SourceDeps, sourcesFromConfig } from "./sources-from-config.ts";

/**
 * Trust anchors from a registry's config.json, given by the user out of band: its official
 * signers, the CAs certificate chains must lead to, and its Sigstore trusted root (a path relative to the registry root, the config's folder).
 */
export async function trustFromRegistryConfig(file: string): Promise<RegistryTrust> {
  let config: RegistryConfig;
  try {
    config = parseUntrustedJson(
      await readLocalFile(file, "registry config", MAX_CONFIG_BYTES),
      file,
      MAX_CONFIG_BYTES,
    ) as RegistryConfig;
  } catch (error) {
    throw usage(error, `Cannot read the registry config ${file}`, file);
  }
  const trust: RegistryTrust = {};
  if (config.official_signers) trust.officialSigners = config.official_signers;
  if (config.trusted_cas) trust.trustedCas = config.trusted_cas;
  if (config.sigstore_trusted_root) {
    const rootFile = resolve(dirname(file), config.sigstore_trusted_root);
    trust.trustedRoot = await trustedRoot(rootFile);
  }
  if (config.sigstore_additional_trusted_roots?.length) {
    trust.additionalTrustedRoots = await Promise.all(
      config.sigstore_additional_trusted_roots.map((f) => trustedRoot(resolve(dirname(file), f))),
    );
  }
  return trust;
}

/** Most bytes read from a configuration file (a registry's config.json, a discovery configuration). */
const MAX_CONFIG_BYTES = 1024 * 1024;

async function trustedRoot(file: string): Promise<unknown> {
  try {
    return parseUntrustedJson(
      await readLocalFile(file, "Sigstore trusted root", MAX_TRUSTED_ROOT_BYTES),
      file,
      MAX_TRUSTED_ROOT_BYTES,
    );
  } catch (error) {
    throw usage(error, `Cannot read the trusted root ${file} the registry config names`, file);
  }
}

/** A file that cannot be read or parsed, as a usage error naming it (the cause's words kept). */
function usage(error: unknown, what: string, file: string): RunnerError {
  const why = (error as Error).message;
  return new RunnerError(
    "USAGE",
    why.startsWith("cannot read") ? why : `${what}: ${why}`,
    { file },
    { cause: error },
  );
}

/** A discovery configuration as core decided it, and the warnings to show the user. */
export interface LoadedDiscoveryConfig {
  settings: DiscoverySettings;
  warnings: Finding[];
}

/**
 * Reads a discovery configuration file (the spec's `registry_config`, wrapped or not) and lets
 * core decide what it means (core/config/discovery-config.ts). `env` supplies `${NAME}` in
 * secrets. Problems are one DISCOVERY_CONFIG_INVALID error whose details carry every finding.
 */
export async function loadDiscoveryConfig(
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<LoadedDiscoveryConfig> {
  let bytes: Buffer;
  try {
    bytes = await readLocalFile(file, "discovery configuration", MAX_CONFIG_BYTES);
  } catch (error) {
    throw usage(error, `Cannot read the config file ${file}`, file);
  }
  const result = readDiscoveryConfig(bytes, file, env);
  const errors = result.findings.filter((f) => f.severity === "error");
  if (!result.value || errors.length > 0) {
    // One code and exit status (2) for every problem, a JSON one too: each finding keeps its own
    // code (JSON_SYNTAX, JSON_DUPLICATE_KEY, …) in `findings`.
    throw new RunnerError(
      "DISCOVERY_CONFIG_INVALID",
      `${file} is not a usable discovery configuration (${errors.length} ${errors.length === 1 ? "problem" : "problems"})`,
      { file, findings: errors },
    );
  }
  return { settings: result.value, warnings: result.findings.filter((f) => f.severity !== "error") };
}
