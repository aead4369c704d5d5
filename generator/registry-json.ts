/**
 * The FinFocus CLI's registry index (`/api/v1/registry.json`), mapped field by field from each
 * plugin's latest manifest and its entry.json so that both the FinFocus CLI (core/finfocus) and
 * upstream's plugin_registry.schema.json accept it. Values upstream cannot express are dropped
 * (capabilities outside its enum, keywords over 30 characters); a plugin the CLI cannot install
 * as described (a level with no honest shared value, a repository it cannot parse, a container or
 * script install) or whose required fields cannot be expressed is omitted and reported: the index
 * never carries a value that the CLI or upstream's schema would refuse. docs/finfocus.md.
 */
import semver from "semver";
import { cliRepositoryProblem, cliSecurityLevel } from "../core/finfocus/cli-registry-entry.ts";
import type { PluginRecord, VersionRecord } from "../core/registry.types.ts";
import type { OmittedPlugin, UpstreamRegistryEntry } from "./model.types.ts";
import { securityLevel, sortedUnique } from "./summaries.ts";

/** Capabilities upstream's registry schema knows (registry.proto's enum). */
export const UPSTREAM_CAPABILITIES: ReadonlySet<string> = new Set([
  "cost_retrieval",
  "cost_projection",
  "pricing_specs",
  "real_time_data",
  "historical_data",
  "filtering",
  "aggregation",
  "tagging",
  "recommendations",
  "anomaly_detection",
  "forecasting",
  "budgets",
  "alerts",
  "custom",
]);

const NAME = /^[a-z0-9][a-z0-9-]*[a-z0-9]$|^[a-z0-9]$/;
const PLAIN_VERSION = /^\d+\.\d+\.\d+$/;

/** "1.2.3" as upstream wants it: a prerelease or build suffix is dropped (0.2.0-rc.1 → 0.2.0). */
function plainVersion(version: string | undefined): string | undefined {
  if (version === undefined) return undefined;
  if (PLAIN_VERSION.test(version)) return version;
  const parsed = semver.parse(version);
  return parsed ? `${parsed.major}.${parsed.minor}.${parsed.patch}` : undefined;
}

function isUri(value: string): boolean {
  return URL.canParse(value) && /^[a-z][a-z0-9+.-]*:[^\s"<>\\^`{|}]+$/i.test(value);
}

/** One plugin's upstream entry, or why it cannot be expressed. */
export function upstreamEntry(
  plugin: PluginRecord,
  latest: VersionRecord,
): { entry: UpstreamRegistryEntry } | { omitted: OmittedPlugin } {
  const m = latest.manifest;
  const omit = (reason: string) => ({ omitted: { name: plugin.name, reason } });
  if (plugin.name.length > 50 || !NAME.test(plugin.name)) return omit("name outside upstream's pattern");
  const description = m.metadata.description.trim();
  if (description.length < 10) return omit("description shorter than 10 characters");
  const level = securityLevel(m);
  const cliLevel = cliSecurityLevel(level);
  if (cliLevel === undefined) return omit(`security level ${level} has no value the FinFocus CLI accepts`);
  const repository = plugin.entry.repository;
  const repositoryProblem = cliRepositoryProblem(repository);
  if (repositoryProblem) return omit(`repository '${repository}' ${repositoryProblem}`);
  const method = m.installation.installation_method;
  if (method === "container" || method === "script")
    return omit(`installs by ${method}; the FinFocus CLI installs release archives only`);
  const author = m.metadata.author.trim();
  if (author.length === 0) return omit("empty author");
  const providers = sortedUnique(m.specification.supported_providers);
  if (providers.length === 0) return omit("no supported providers");
  const minSpec = plainVersion(m.requirements?.min_spec_version ?? m.specification.spec_version);
  if (minSpec === undefined) return omit("spec version is not MAJOR.MINOR.PATCH");

  const entry: UpstreamRegistryEntry = {
    name: plugin.name,
    description: description.length > 500 ? `${description.slice(0, 499)}…` : description,
    repository,
    author: author.length > 100 ? `${author.slice(0, 99)}…` : author,
    supported_providers: providers,
    security_level: cliLevel,
    min_spec_version: minSpec,
  };
  if (m.metadata.license) entry.license = m.metadata.license;
  if (m.metadata.homepage && isUri(m.metadata.homepage)) entry.homepage = m.metadata.homepage;
  const capabilities = sortedUnique(
    (m.specification.capabilities ?? []).filter((c) => UPSTREAM_CAPABILITIES.has(c)),
  );
  if (capabilities.length > 0) entry.capabilities = capabilities;
  const maxSpec = plainVersion(m.requirements?.max_spec_version);
  if (maxSpec !== undefined) entry.max_spec_version = maxSpec;
  const keywords = [...new Set((m.metadata.keywords ?? []).filter((k) => k.length <= 30))].slice(0, 10);
  if (keywords.length > 0) entry.keywords = keywords;
  if (plugin.entry.deprecated) {
    entry.deprecated = true;
    entry.deprecation_message = plugin.entry.deprecation_message ?? "This plugin is deprecated.";
  }
  return { entry };
}
