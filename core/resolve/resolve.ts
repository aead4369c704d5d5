/**
 * Dependency resolution as a pure function: the runner fetches version lists, this decides. Given
 * the roots and a lookup over what was fetched, it answers with a plan (dependencies first), with
 * the names it still needs, or with findings saying why no plan exists. No recursion: a chain of
 * any length resolves.
 */
import semver from "semver";
import { type ParsedConstraint, parseConstraint, satisfies } from "../constraints.ts";
import type { Finding, FindingCode } from "../findings.types.ts";
import { isCandidate, unpickable } from "../versions/pick.ts";
import { specCompatible } from "../versions/spec-compat.ts";
import { dependenciesFirst } from "./order.ts";
import type { AvailableVersion, ResolvedPlugin, ResolveInput, VersionLookup } from "./resolve.types.ts";

/** One constraint on a plugin, with who made it and where (for findings). */
export interface Demand {
  constraint: ParsedConstraint;
  from: string;
  optional: boolean;
  file: string;
  pointer: string;
}

export type ResolveOutcome =
  | { kind: "plan"; plugins: ResolvedPlugin[]; findings: Finding[] }
  | { kind: "need"; names: string[] }
  | { kind: "refused"; findings: Finding[]; details: Record<string, unknown> };

/** A refusal, thrown inside the walk and returned by `resolve`. */
class Refusal {
  readonly findings: Finding[];
  readonly details: Record<string, unknown>;
  constructor(findings: Finding[], details: Record<string, unknown>) {
    this.findings = findings;
    this.details = details;
  }
}

const ROUNDS = 32;

/**
 * Resolves the roots and their transitive dependencies to one version each: the highest candidate
 * (core's picking rules: yanked only when named exactly, prereleases when asked or named) that
 * satisfies every constraint on it and works with the host's spec version. It repeats until the
 * picks stop changing, so a constraint added by a later pick can lower an earlier one. Installed
 * versions that satisfy every constraint stay.
 */
export function resolve(input: ResolveInput, lookup: VersionLookup): ResolveOutcome {
  try {
    return walk(input, lookup);
  } catch (error) {
    if (error instanceof Refusal)
      return { kind: "refused", findings: error.findings, details: error.details };
    throw error;
  }
}

function walk(input: ResolveInput, lookup: VersionLookup): ResolveOutcome {
  const roots = new Set(input.roots.map((r) => r.name));
  const upgrade = new Set(input.upgrade ?? []);
  let chosen = new Map<string, ResolvedPlugin>();
  for (let round = 0; round < ROUNDS; round++) {
    const warnings = new Map<string, Finding>();
    const need = new Set<string>();
    const demands = new Map<string, Demand[]>();
    const add = (name: string, demand: Demand) => {
      const list = demands.get(name);
      if (list) list.push(demand);
      else demands.set(name, [demand]);
    };
    input.roots.forEach((root, i) => {
      add(
        root.name,
        demand(root.constraint ?? "*", "your request", false, "install request", `/plugins/${i}`),
      );
    });
    for (const d of input.installedDemands ?? []) {
      add(d.name, demand(d.constraint, d.from, false, d.from, ""));
    }
    // Walk from the roots through the current picks, collecting the constraints they make.
    const next = new Map<string, ResolvedPlugin>();
    const queue = [...roots];
    const seen = new Set<string>();
    for (let head = 0; head < queue.length; head++) {
      const name = queue[head]!;
      if (seen.has(name)) continue;
      seen.add(name);
      const pick = pickVersion(name, demands.get(name) ?? [], input, lookup, {
        roots,
        upgrade,
        warnings,
        need,
      });
      if (!pick) continue; // skipped optional dependency, or not fetched yet
      next.set(name, pick);
      pick.row?.dependencies.forEach((dep, i) => {
        const from = `${name}@${pick.version}`;
        add(
          dep.name,
          demand(
            dep.version_constraint,
            from,
            dep.optional,
            from,
            `/requirements/dependencies/${i}/version_constraint`,
          ),
        );
        queue.push(dep.name);
      });
    }
    if (need.size > 0) return { kind: "need", names: [...need].sort() };
    if (samePicks(chosen, next)) {
      return { kind: "plan", plugins: dependenciesFirst(next), findings: [...warnings.values()] };
    }
    chosen = next;
  }
  throw refusal(
    "DEPENDENCY_CONFLICT",
    "install request",
    "",
    "The dependency constraints do not settle on one version each",
    {},
  );
}

function demand(text: string, from: string, optional: boolean, file: string, pointer: string): Demand {
  if (text.trim() === "*" || text.trim() === "") {
    return { constraint: { source: text || "*", range: "*", exact: false }, from, optional, file, pointer };
  }
  const parsed = parseConstraint(text);
  if (!parsed.value) {
    throw refusal("INVALID_CONSTRAINT", file, pointer, `${from}: ${parsed.error}`, { constraint: text });
  }
  return { constraint: parsed.value, from, optional, file, pointer };
}

function refusal(
  code: FindingCode,
  file: string,
  pointer: string,
  message: string,
  details: Record<string, unknown>,
): Refusal {
  return new Refusal([{ code, severity: "error", message, file, pointer }], details);
}

function samePicks(a: Map<string, ResolvedPlugin>, b: Map<string, ResolvedPlugin>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, pick] of b) if (a.get(name)?.version !== pick.version) return false;
  return true;
}

interface WalkState {
  roots: Set<string>;
  upgrade: Set<string>;
  warnings: Map<string, Finding>;
  need: Set<string>;
}

function pickVersion(
  name: string,
  demands: Demand[],
  input: ResolveInput,
  lookup: VersionLookup,
  state: WalkState,
): ResolvedPlugin | undefined {
  const explicit = state.roots.has(name);
  const optional = demands.length > 0 && demands.every((d) => d.optional);
  const constraints = demands.map((d) => d.constraint);
  const installed = input.installed?.[name];
  if (installed && !state.upgrade.has(name) && constraints.every((c) => satisfies(installed, c, true))) {
    return { name, version: installed, alreadyInstalled: true, explicit };
  }
  const info = lookup(name);
  if (info === undefined) {
    state.need.add(name);
    return undefined;
  }
  const first = demands[0];
  const at = first ?? { file: "install request", pointer: "" };
  const warn = (code: FindingCode, message: string) =>
    state.warnings.set(`${code} ${name}`, {
      code,
      severity: "warning",
      message,
      file: at.file,
      pointer: at.pointer,
    });
  if (info === null) {
    if (optional) {
      warn("DEPENDENCY_NOT_FOUND", `optional dependency ${name} was not found in any source: skipped`);
      return undefined;
    }
    throw refusal(
      explicit ? "PLUGIN_NOT_FOUND" : "DEPENDENCY_NOT_FOUND",
      at.file,
      at.pointer,
      explicit
        ? `No source has a plugin named ${name}`
        : `${name}, required by ${demands.map((d) => d.from).join(", ")}, is in no source`,
      { name, available_versions: [], required_by: demands.map((d) => d.from) },
    );
  }
  const options = input.includePrerelease ? { includePrerelease: true } : {};
  const excluded = unpickable(info.versions);
  const candidates = info.versions.filter((v) => isCandidate(v, constraints, options, excluded));
  const best = highest(candidates.filter((v) => specCompatible(v, input.specVersion)));
  if (!best) {
    if (optional) {
      warn(
        "DEPENDENCY_UNSATISFIABLE",
        `optional dependency ${name}: no version meets ${describe(demands)}: skipped`,
      );
      return undefined;
    }
    if (candidates.length > 0) {
      throw refusal(
        "SPEC_VERSION_INCOMPATIBLE",
        at.file,
        at.pointer,
        `Every version of ${name} that meets ${describe(demands)} needs another spec version than ${input.specVersion}`,
        { name, spec_version: input.specVersion, candidates: candidates.map((c) => c.version) },
      );
    }
    const available = info.versions.filter((v) => !v.yanked).map((v) => v.version);
    const code: FindingCode =
      demands.length > 1 ? "DEPENDENCY_CONFLICT" : explicit ? "PLUGIN_NOT_FOUND" : "DEPENDENCY_UNSATISFIABLE";
    throw refusal(
      code,
      at.file,
      at.pointer,
      `No version of ${name} meets ${describe(demands)}; available: ${available.join(", ") || "none"}`,
      {
        name,
        ...(explicit && demands.length === 1 && demands[0]
          ? { constraint: demands[0].constraint.source }
          : {}),
        available_versions: available,
        demands: demands.map((d) => ({ constraint: d.constraint.source, required_by: d.from })),
      },
    );
  }
  if (best.yanked) {
    warn(
      "VERSION_YANKED",
      `${name}@${best.version} is yanked${best.yanked_reason ? `: ${best.yanked_reason}` : ""}`,
    );
  }
  if (info.deprecated) {
    warn(
      "PLUGIN_DEPRECATED",
      `${name} is deprecated${info.deprecation_message ? `: ${info.deprecation_message}` : ""}`,
    );
  }
  return { name, version: best.version, alreadyInstalled: false, explicit, row: best };
}

function highest(rows: AvailableVersion[]): AvailableVersion | undefined {
  let best: AvailableVersion | undefined;
  for (const row of rows) if (!best || semver.gt(row.version, best.version)) best = row;
  return best;
}

function describe(demands: Demand[]): string {
  return demands.map((d) => `${d.constraint.source} (from ${d.from})`).join(" and ");
}
