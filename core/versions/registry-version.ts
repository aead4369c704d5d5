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
