import semver from "semver";

/**
 * A registry version: SemVer 2.0.0 in its one canonical spelling (no leading `v` or `=`, no
 * leading zeros) and WITHOUT build metadata. Build metadata does not take part in precedence
 * (`1.0.0` and `1.0.0+x` are equal), so allowing it would let two files be one version: one
 * reviewed, the other resolved. With it refused, two registry versions are equal in precedence
 * exactly when they are the same string.
 */
const REGISTRY_VERSION =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?$/;

/** The longest version accepted (the manifest schema's bound). */
export const MAX_VERSION_LENGTH = 256;

/** True when `version` is a registry version (see REGISTRY_VERSION). */
export function isRegistryVersion(version: string): boolean {
  return version.length <= MAX_VERSION_LENGTH && REGISTRY_VERSION.test(version);
}

/** Why `version` is not a registry version, or undefined when it is one. */
export function registryVersionProblem(version: string): string | undefined {
  if (isRegistryVersion(version)) return undefined;
  const parsed = version.length <= MAX_VERSION_LENGTH ? semver.parse(version) : null;
  if (!parsed) return `'${version}' is not a SemVer version (MAJOR.MINOR.PATCH[-PRERELEASE])`;
  if (parsed.build.length > 0)
    return `'${version}' carries build metadata: ${parsed.version} and ${version} are one version in SemVer precedence, so a registry version has none; publish ${parsed.version}`;
  return `'${version}' is not the canonical spelling of ${parsed.version}`;
}

/** True when two versions are equal in SemVer precedence (build metadata ignored). */
export function samePrecedence(a: string, b: string): boolean {
  const x = semver.parse(a);
  const y = semver.parse(b);
  return x && y ? semver.compare(x, y) === 0 : a === b;
}

/** A release version whose parts are exact as numbers (at most 15 digits each). */
const PLAIN_RELEASE = /^(0|[1-9]\d{0,14})\.(0|[1-9]\d{0,14})\.(0|[1-9]\d{0,14})$/;

/**
 * Sorts `items` in place, ascending by SemVer precedence of `version(item)` (each a valid SemVer
 * version). Each version is parsed once; plain releases (`1.2.3`, the common case) are compared
 * as numbers, anything else by semver.
 */
export function sortByVersion<T>(items: T[], version: (item: T) => string): T[] {
  const keys = new Map<string, [number, number, number] | semver.SemVer>();
  for (const item of items) {
    const v = version(item);
    if (keys.has(v)) continue;
    const m = PLAIN_RELEASE.exec(v);
    keys.set(v, m ? [Number(m[1]), Number(m[2]), Number(m[3])] : new semver.SemVer(v));
  }
  return items.sort((a, b) => {
    const x = keys.get(version(a)) as [number, number, number] | semver.SemVer;
    const y = keys.get(version(b)) as [number, number, number] | semver.SemVer;
    if (Array.isArray(x) && Array.isArray(y)) return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
    return (Array.isArray(x) ? new semver.SemVer(version(a)) : x).compare(
      Array.isArray(y) ? new semver.SemVer(version(b)) : y,
    );
  });
}
