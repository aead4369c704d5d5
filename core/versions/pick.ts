/**
 * Version picking, once for everyone: which version is "the latest" (the generator's plugin
 * document, the site, `info`), which versions may satisfy a constraint (the gate's dependency
 * rule, the resolver) and which version an update moves to. The yanked, prerelease and
 * build-metadata rules live here and nowhere else.
 */
import semver from "semver";
import { type ParsedConstraint, satisfies } from "../constraints.ts";
import { type SpecRange, specCompatible } from "./spec-compat.ts";

/** What picking needs to know of a version: a registry's version row, a listing, a manifest. */
export interface VersionRow extends SpecRange {
  version: string;
  yanked?: boolean;
}

export interface PickOptions {
  /** Prereleases count without being named (`--prerelease`). */
  includePrerelease?: boolean;
  /** Only versions that work with this spec version (the host's). */
  specVersion?: string;
}

/** True for `1.2.0-beta.1` (and not for `1.2.0+build`). */
export function isPrerelease(version: string): boolean {
  // A prerelease is written after a hyphen: without one there is nothing to parse.
  return version.includes("-") && (semver.prerelease(version)?.length ?? 0) > 0;
}

/** True for `1.2.0+build.5`: build metadata, which SemVer ignores in precedence. */
export function hasBuildMetadata(version: string): boolean {
  return version.includes("+") && semver.valid(version) !== null;
}

/**
 * Versions that can never be picked: not SemVer, or carrying build metadata while another version
 * of the list has the same precedence (`1.0.0` and `1.0.0+x` are one version to SemVer; a client
 * cannot tell which the author meant, so it never picks the build-metadata twin).
 */
export function unpickable(rows: readonly { version: string }[]): Set<string> {
  const out = new Set<string>();
  let withBuild = false;
  for (const { version } of rows) {
    if (semver.valid(version) === null) out.add(version);
    else if (version.includes("+")) withBuild = true;
  }
  if (!withBuild) return out;
  const byPrecedence = new Map<string, string[]>();
  for (const { version } of rows) {
    if (out.has(version)) continue;
    const key = version.split("+")[0] ?? version;
    byPrecedence.set(key, [...(byPrecedence.get(key) ?? []), version]);
  }
  for (const twins of byPrecedence.values()) {
    if (twins.length > 1) for (const v of twins) if (v.includes("+")) out.add(v);
  }
  return out;
}

/**
 * Whether `row` may be picked under every constraint: SemVer and not a build-metadata twin; not
 * yanked unless a constraint names exactly this version; satisfying each constraint, where a
 * prerelease counts only when asked, when the constraint names it exactly, or when the constraint
 * itself names a prerelease of the same major.minor.patch (SemVer's rule); and, when a spec
 * version is given, working with it.
 */
export function isCandidate(
  row: VersionRow,
  constraints: readonly ParsedConstraint[],
  options: PickOptions = {},
  excluded: ReadonlySet<string> = new Set(),
): boolean {
  if (excluded.has(row.version) || semver.valid(row.version) === null) return false;
  if (row.yanked && !constraints.some((c) => c.exact && semver.eq(c.range.replace(/^=/, ""), row.version)))
    return false;
  for (const c of constraints) if (!satisfies(row.version, c, options.includePrerelease)) return false;
  return options.specVersion === undefined || specCompatible(row, options.specVersion);
}

/** The highest candidate (see `isCandidate`), or undefined when none is. */
export function bestCandidate<T extends VersionRow>(
  rows: readonly T[],
  constraints: readonly ParsedConstraint[],
  options: PickOptions = {},
): T | undefined {
  const excluded = unpickable(rows);
  let best: T | undefined;
  for (const row of rows) {
    if (!isCandidate(row, constraints, options, excluded)) continue;
    if (best === undefined || semver.gt(row.version, best.version)) best = row;
  }
  return best;
}

/**
 * The version a plugin's readers get by default ("latest"): the highest non-yanked release; else
 * the highest non-yanked prerelease; else (everything yanked) the highest version. Build-metadata
 * twins are never it.
 */
export function latestVersion<T extends { version: string; yanked?: boolean }>(
  rows: readonly T[],
): T | undefined {
  // Each version parsed once: twins are looked for only when a version carries build metadata.
  const excluded = rows.some((row) => row.version.includes("+")) ? unpickable(rows) : undefined;
  let release: [T, semver.SemVer] | undefined;
  let prerelease: [T, semver.SemVer] | undefined;
  let any: [T, semver.SemVer] | undefined;
  for (const row of rows) {
    if (excluded?.has(row.version)) continue;
    const v = semver.parse(row.version);
    if (v === null) continue;
    if (!any || v.compare(any[1]) > 0) any = [row, v];
    if (row.yanked) continue;
    if (v.prerelease.length > 0) {
      if (!prerelease || v.compare(prerelease[1]) > 0) prerelease = [row, v];
    } else if (!release || v.compare(release[1]) > 0) release = [row, v];
  }
  return (release ?? prerelease ?? any)?.[0];
}

/** Where an update of `installed` may go (the spec's update rules; see `update` in the runner). */
export interface UpdateTargets {
  /** The highest patch release of the installed minor line (applied without asking), or `installed`. */
  patch: string;
  /** A higher minor release of the installed major line, which needs confirmation. */
  minor?: string;
  /** A higher major release: only on request. */
  major?: string;
}

/**
 * The update targets of `installed` among `rows`: versions that are not yanked (nor build-metadata
 * twins), prereleases only with `includePrerelease`, working with the host's spec version.
 */
export function updateTargets(
  installed: string,
  rows: readonly VersionRow[],
  options: PickOptions = {},
): UpdateTargets {
  const excluded = unpickable(rows);
  const usable = rows
    .filter(
      (r) =>
        !excluded.has(r.version) &&
        !r.yanked &&
        (options.includePrerelease || !isPrerelease(r.version)) &&
        (options.specVersion === undefined || specCompatible(r, options.specVersion)),
    )
    .map((r) => r.version)
    .sort(semver.rcompare);
  const best = (range: string) => usable.find((v) => semver.satisfies(v, range, { includePrerelease: true }));
  const patchBest = best(`~${installed}`);
  const patch = patchBest && semver.gt(patchBest, installed) ? patchBest : installed;
  const minorBest = best(`^${semver.major(installed)}.0.0 >=${installed}`);
  const major = usable[0];
  return {
    patch,
    ...(minorBest && semver.gt(minorBest, patch) ? { minor: minorBest } : {}),
    ...(major && semver.major(major) > semver.major(installed) ? { major } : {}),
  };
}

/**
 * The highest version that satisfies the constraint under core's picking rules
 * (this module: yanked only when named exactly, prereleases by SemVer's rule or when asked,
 * never a build-metadata twin). Memoized per version list (by identity: the registry hands out one
 * array per plugin), because the gate asks it once per dependency of every manifest.
 */
export function bestMatch(
  versions: readonly { version: string; yanked?: boolean }[],
  constraint: ParsedConstraint,
  includePrerelease = false,
): string | undefined {
  let memo = bestMatches.get(versions);
  const key = `${includePrerelease ? "p" : "r"}${constraint.source}`;
  if (memo?.has(key)) return memo.get(key);
  const best = bestCandidate(versions, [constraint], { includePrerelease })?.version;
  if (!memo) {
    memo = new Map();
    bestMatches.set(versions, memo);
  }
  memo.set(key, best);
  return best;
}

/** Results per version list (by identity: the registry hands out one array per plugin). */
const bestMatches = new WeakMap<readonly object[], Map<string, string | undefined>>();

/**
 * True when moving an installed plugin from `installed` to `target` goes back in SemVer precedence:
 * a downgrade, which needs the user's consent (I9: `update` and `install` refuse it without
 * `--allow-downgrade`, so a registry cannot roll back what is installed).
 */
export function isDowngrade(installed: string, target: string): boolean {
  return semver.valid(installed) !== null && semver.valid(target) !== null && semver.lt(target, installed);
}
