import semver from "semver";
import { isRegistryVersion } from "../../core/versions.ts";
import { constraintOrThrow, type ParsedConstraint, satisfies } from "../core-link.ts";
import { isRunnerError, RunnerError } from "../errors.ts";
import type { AvailableVersion, MetadataSource, PluginVersions } from "../source/source.types.ts";
import { specCompatible } from "./spec-version.ts";

export interface ResolveRequest {
  /** What the user asked for: `name` and an optional spec constraint ("^1.2.0", "1.4.0", ">=1.0.0,<2.0.0"). */
  roots: { name: string; constraint?: string }[];
  /** In priority order; the first source that has a plugin answers for it. */
  sources: MetadataSource[];
  includePrerelease?: boolean;
  /** The host's spec version. */
  specVersion: string;
  /** Installed versions kept when they satisfy every constraint (names in `upgrade` are re-resolved). */
  installed?: Record<string, string>;
  upgrade?: string[];
  /** Constraints that installed plugins staying in place put on their dependencies. */
  installedDemands?: { name: string; constraint: string; from: string }[];
}

export interface ResolvedPlugin {
  name: string;
  version: string;
  /** True when this version is already installed and stays. */
  alreadyInstalled: boolean;
  explicit: boolean;
  source?: MetadataSource;
  info?: PluginVersions;
  row?: AvailableVersion;
}

export interface ResolvePlan {
  /** Dependencies before their dependents. */
  plugins: ResolvedPlugin[];
  warnings: string[];
}

interface Demand {
  constraint: ParsedConstraint;
  from: string;
  optional: boolean;
}

/**
 * Resolves the requested plugins and their transitive dependencies to one version each: the
 * highest version satisfying every constraint on it, skipping yanked versions unless named exactly
 * (then warned), prereleases unless asked, and versions whose spec range excludes the host. It
 * repeats until the picks stop changing, so a constraint added by a later pick can lower an earlier
 * one; a constraint no version meets fails with every demand and who made it.
 */
export async function resolvePlan(request: ResolveRequest): Promise<ResolvePlan> {
  const infos = new Map<string, Promise<{ source: MetadataSource; info: PluginVersions } | null>>();
  const warnings = new Set<string>();
  const find = async (name: string) => {
    let found: { source: MetadataSource; info: PluginVersions } | null = null;
    const failures: string[] = [];
    let invalid: unknown;
    for (const source of request.sources) {
      let info: PluginVersions | undefined;
      try {
        info = await source.versions(name);
      } catch (error) {
        // A failing source is reported; the others still answer.
        const message = error instanceof Error ? error.message : String(error);
        if (
          isRunnerError(
            error,
            "REGISTRY_DOCUMENT_INVALID",
            "INVALID_CONSTRAINT",
            "INSECURE_URL",
            "OFFLINE_CACHE_MISS",
          )
        ) {
          invalid ??= error;
        }
        failures.push(`${source.kind} ${source.location}: ${message}`);
        warnings.add(`DISCOVERY_SOURCE_UNREACHABLE: ${source.kind} ${source.location}: ${message}`);
        continue;
      }
      if (info) {
        found = { source, info };
        break;
      }
    }
    if (!found && invalid) throw invalid;
    if (!found && failures.length > 0) {
      throw new RunnerError(
        "DISCOVERY_SOURCE_UNREACHABLE",
        `${name} is in no reachable source (${failures.join("; ")})`,
        { name, failures },
      );
    }
    return found;
  };
  /** One promise per name: a dependency's document is fetched as soon as it is first named. */
  const lookup = (name: string) => {
    let found = infos.get(name);
    if (!found) {
      found = find(name);
      found.catch(() => undefined); // observed later, when the walk reaches it
      infos.set(name, found);
    }
    return found;
  };
  const upgrade = new Set(request.upgrade ?? []);
  const roots = new Set(request.roots.map((r) => r.name));
  let chosen = new Map<string, ResolvedPlugin>();
  for (let round = 0; round < 32; round++) {
    const demands = new Map<string, Demand[]>();
    const add = (name: string, demand: Demand) => demands.set(name, [...(demands.get(name) ?? []), demand]);
    for (const root of request.roots) {
      add(root.name, {
        constraint: constraintOrThrow(root.constraint ?? "*", `${root.name}@${root.constraint}`),
        from: "your request",
        optional: false,
      });
    }
    for (const d of request.installedDemands ?? []) {
      add(d.name, {
        constraint: constraintOrThrow(d.constraint, `${d.from} → ${d.name}`),
        from: d.from,
        optional: false,
      });
    }
    // Walk from the roots through the current picks, collecting the constraints they make.
    const next = new Map<string, ResolvedPlugin>();
    const queue = [...roots];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const name = queue.shift()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const pick = await pickVersion(
        name,
        demands.get(name) ?? [],
        request,
        lookup,
        upgrade,
        roots,
        warnings,
      );
      if (!pick) continue; // an optional dependency that cannot be met: skipped with a warning
      next.set(name, pick);
      for (const dep of pick.row?.dependencies ?? []) {
        add(dep.name, {
          constraint: constraintOrThrow(dep.version_constraint, `${name}@${pick.version} → ${dep.name}`),
          from: `${name}@${pick.version}`,
          optional: dep.optional,
        });
        queue.push(dep.name);
        void lookup(dep.name);
      }
    }
    if (samePicks(chosen, next)) return { plugins: order(next), warnings: [...warnings] };
    chosen = next;
  }
  throw new RunnerError(
    "DEPENDENCY_CONFLICT",
    "The dependency constraints do not settle on one version each",
    {},
  );
}

function samePicks(a: Map<string, ResolvedPlugin>, b: Map<string, ResolvedPlugin>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, pick] of b) if (a.get(name)?.version !== pick.version) return false;
  return true;
}

async function pickVersion(
  name: string,
  demands: Demand[],
  request: ResolveRequest,
  lookup: (name: string) => Promise<{ source: MetadataSource; info: PluginVersions } | null>,
  upgrade: Set<string>,
  roots: Set<string>,
  warnings: Set<string>,
): Promise<ResolvedPlugin | undefined> {
  const explicit = roots.has(name);
  const optional = demands.length > 0 && demands.every((d) => d.optional);
  const installed = request.installed?.[name];
  if (installed && !upgrade.has(name) && demands.every((d) => satisfies(installed, d.constraint, true))) {
    const found = explicit ? await lookup(name) : null;
    return { name, version: installed, alreadyInstalled: true, explicit, ...(found ? found : {}) };
  }
  const found = await lookup(name);
  if (!found) {
    if (optional) {
      warnings.add(`optional dependency ${name} was not found in any source: skipped`);
      return undefined;
    }
    throw new RunnerError(
      explicit ? "PLUGIN_NOT_FOUND" : "DEPENDENCY_NOT_FOUND",
      explicit
        ? `No source has a plugin named ${name}`
        : `${name}, required by ${demands.map((d) => d.from).join(", ")}, is in no source`,
      { name, available_versions: [], required_by: demands.map((d) => d.from) },
    );
  }
  const { info, source } = found;
  const exactNames = new Set(
    demands.filter((d) => d.constraint.exact).map((d) => semver.clean(d.constraint.range)),
  );
  const candidates = info.versions.filter((v) => {
    // Never a build-metadata twin (1.0.0+x beside 1.0.0): equal in precedence, so which one
    // sorts first would decide what is installed. Registry versions carry no build metadata.
    if (!isRegistryVersion(v.version)) return false;
    if (v.yanked && !exactNames.has(v.version)) return false;
    if (v.prerelease && !request.includePrerelease && !exactNames.has(v.version)) return false;
    return demands.every((d) => satisfies(v.version, d.constraint, request.includePrerelease));
  });
  const compatible = candidates.filter((v) => specCompatible(v, request.specVersion));
  const best = compatible.sort((a, b) => semver.rcompare(a.version, b.version))[0];
  if (!best) {
    if (optional) {
      warnings.add(`optional dependency ${name}: no version meets ${describe(demands)}: skipped`);
      return undefined;
    }
    if (candidates.length > 0) {
      throw new RunnerError(
        "SPEC_VERSION_INCOMPATIBLE",
        `Every version of ${name} that meets ${describe(demands)} needs another spec version than ${request.specVersion}`,
        { name, spec_version: request.specVersion, candidates: candidates.map((c) => c.version) },
      );
    }
    const available = info.versions.filter((v) => !v.yanked).map((v) => v.version);
    const conflict = demands.length > 1;
    throw new RunnerError(
      conflict ? "DEPENDENCY_CONFLICT" : explicit ? "PLUGIN_NOT_FOUND" : "DEPENDENCY_NOT_FOUND",
      `No version of ${name} meets ${describe(demands)}; available: ${available.join(", ") || "none"}`,
      {
        name,
        available_versions: available,
        demands: demands.map((d) => ({ constraint: d.constraint.source, required_by: d.from })),
      },
    );
  }
  if (best.yanked)
    warnings.add(`${name}@${best.version} is yanked${best.yanked_reason ? `: ${best.yanked_reason}` : ""}`);
  if (info.deprecated)
    warnings.add(`${name} is deprecated${info.deprecation_message ? `: ${info.deprecation_message}` : ""}`);
  return { name, version: best.version, alreadyInstalled: false, explicit, source, info, row: best };
}

function describe(demands: Demand[]): string {
  return demands.map((d) => `${d.constraint.source} (from ${d.from})`).join(" and ");
}

/** Dependencies first; a cycle is broken at the first plugin met again. */
function order(picks: Map<string, ResolvedPlugin>): ResolvedPlugin[] {
  const out: ResolvedPlugin[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string) => {
    const pick = picks.get(name);
    if (!pick || state.has(name)) return;
    state.set(name, "visiting");
    for (const dep of pick.row?.dependencies ?? []) visit(dep.name);
    state.set(name, "done");
    out.push(pick);
  };
  for (const name of [...picks.keys()].sort()) visit(name);
  return out;
}
