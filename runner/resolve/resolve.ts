import { parseConstraint } from "../../core/constraints.ts";
import { type ResolveOutcome, resolve } from "../../core/resolve/resolve.ts";
import type { PluginVersions, ResolvedPlugin, ResolveInput } from "../../core/resolve/resolve.types.ts";
import { bestCandidate } from "../../core/versions/pick.ts";
import { isRunnerError, RunnerError, refusalError } from "../errors.ts";
import type { MetadataSource } from "../source/source.types.ts";
import { withReadBudget } from "./read-budget.ts";

export interface ResolveRequest extends ResolveInput {
  /** In priority order; the first source that has a plugin answers for it. */
  sources: MetadataSource[];
}

/** A pick with the source that answers for it. */
export interface ResolvedPick extends ResolvedPlugin {
  source?: MetadataSource;
  info?: PluginVersions;
}

export interface ResolvePlan {
  /** Dependencies before their dependents. */
  plugins: ResolvedPick[];
  /** Warnings for people: skipped optional dependencies, yanked or deprecated picks, failing sources. */
  warnings: string[];
}

interface Found {
  source: MetadataSource;
  info: PluginVersions;
}

/**
 * The runner's side of resolution: it fetches version lists from the sources (every name of the
 * likely closure at once, breadth first, following the version core would pick) and hands them to
 * core's pure `resolve`, fetching more only if core asks for names it did not have.
 */
export function resolvePlan(request: ResolveRequest): Promise<ResolvePlan> {
  // Every document the resolution reads spends from one budget (read-budget.ts).
  return withReadBudget(() => planWithin(request));
}

async function planWithin(request: ResolveRequest): Promise<ResolvePlan> {
  const found = new Map<string, Found | null>();
  const failed = new Map<string, unknown>();
  const fetch = async (names: Iterable<string>) => {
    const todo = [...new Set(names)].filter((n) => !found.has(n) && !failed.has(n));
    await Promise.all(
      todo.map(async (name) => {
        try {
          found.set(name, await find(name, request.sources));
        } catch (error) {
          failed.set(name, error);
        }
      }),
    );
  };
  await gather(request, found, fetch);
  for (;;) {
    const outcome: ResolveOutcome = resolve(request, (name) => {
      const hit = found.get(name);
      return hit === undefined ? undefined : (hit?.info ?? null);
    });
    if (outcome.kind === "refused") throw refusalError(outcome.findings, outcome.details);
    if (outcome.kind === "plan") {
      return {
        plugins: outcome.plugins.map((p) => {
          const hit = found.get(p.name);
          return hit ? { ...p, source: hit.source, info: hit.info } : p;
        }),
        warnings: outcome.findings.map((f) => f.message),
      };
    }
    const error = outcome.names.map((n) => failed.get(n)).find((e) => e !== undefined);
    if (error !== undefined) throw error;
    await fetch(outcome.names);
  }
}

/**
 * Prefetches the closure core is likely to pick, level by level: each plugin's best candidate
 * under the constraints seen so far, then its dependencies. Iterative, so a chain of any length
 * costs one request per link and no stack.
 */
async function gather(
  request: ResolveRequest,
  found: Map<string, Found | null>,
  fetch: (names: Iterable<string>) => Promise<void>,
): Promise<void> {
  const constraints = new Map<string, string[]>();
  const expanded = new Set<string>();
  const demand = (name: string, text: string) =>
    constraints.set(name, [...(constraints.get(name) ?? []), text]);
  for (const root of request.roots) demand(root.name, root.constraint ?? "*");
  for (const d of request.installedDemands ?? []) demand(d.name, d.constraint);
  const upgrade = new Set(request.upgrade ?? []);
  let level = [...constraints.keys()];
  while (level.length > 0) {
    await fetch(level);
    const next = new Set<string>();
    for (const name of level) {
      const info = found.get(name)?.info;
      if (!info) continue;
      const installed = request.installed?.[name];
      if (installed && !upgrade.has(name) && !request.roots.some((r) => r.name === name)) continue;
      const parsed = (constraints.get(name) ?? []).flatMap((t) => {
        const p = t.trim() === "*" || t.trim() === "" ? undefined : parseConstraint(t).value;
        return p ? [p] : [];
      });
      const best = bestCandidate(info.versions, parsed, {
        ...(request.includePrerelease ? { includePrerelease: true } : {}),
        specVersion: request.specVersion,
      });
      if (!best || expanded.has(`${name}@${best.version}`)) continue;
      expanded.add(`${name}@${best.version}`);
      for (const dep of best.dependencies) {
        demand(dep.name, dep.version_constraint);
        next.add(dep.name);
      }
    }
    level = [...next];
  }
}

/**
 * The first source (in priority order) that has `name`. A source asked before the one that has it
 * must answer: one that fails (unreachable, or a document that is invalid or does not verify)
 * stops the resolution of `name`, which is never taken from a lower source because a higher one
 * could not be asked (dependency confusion: making the private registry fail for one name must
 * not install the public plugin of that name). A source that is asked after the answer, or that
 * does not have the plugin, is not in the way.
 */
async function find(name: string, sources: MetadataSource[]): Promise<Found | null> {
  for (const [at, source] of sources.entries()) {
    let info: PluginVersions | undefined;
    try {
      info = await source.versions(name);
    } catch (error) {
      if (!isRunnerError(error)) throw error;
      const unreachable = error.code === "DISCOVERY_SOURCE_UNREACHABLE" || error.code === "DOWNLOAD_FAILED";
      // An invalid or unverifiable answer keeps its own code; an unanswered question is one code.
      if (sources.length === 1 && !unreachable) throw error;
      const message = error.message;
      const others = sources.length - at - 1;
      throw new RunnerError(
        unreachable ? "DISCOVERY_SOURCE_UNREACHABLE" : error.code,
        `${source.kind} ${source.location} could not say whether it has ${name} (${message}); it is asked before ${others > 0 ? `${others} other source${others === 1 ? "" : "s"}` : "none"}, so no lower source answers for ${name} in its place: fix it, or remove it from the discovery configuration`,
        { ...error.details, name, source: `${source.kind} ${source.location}` },
        { cause: error },
      );
    }
    if (info) return { source, info };
  }
  return null;
}
