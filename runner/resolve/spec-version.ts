import semver from "semver";

/**
 * Whether a plugin version works with the host's spec version: inside its declared
 * min/max_spec_version when it has them, otherwise written for a spec the host implements (same
 * major, same minor while the major is 0, not newer than the host).
 */
export function specCompatible(
  v: { spec_version?: string; min_spec_version?: string; max_spec_version?: string },
  host: string,
): boolean {
  const h = semver.coerce(host)?.version;
  if (!h) return true;
  if (v.min_spec_version || v.max_spec_version) {
    if (v.min_spec_version && semver.valid(v.min_spec_version) && semver.lt(h, v.min_spec_version))
      return false;
    if (v.max_spec_version && semver.valid(v.max_spec_version) && semver.gt(h, v.max_spec_version))
      return false;
    return true;
  }
  const p = v.spec_version ? semver.coerce(v.spec_version)?.version : undefined;
  if (!p) return true;
  if (semver.major(p) !== semver.major(h)) return false;
  if (semver.major(h) === 0 && semver.minor(p) !== semver.minor(h)) return false;
  return semver.lte(p, h);
}
