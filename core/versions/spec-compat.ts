/** What a plugin version says about the spec versions it works with (manifest or API row). */
export interface SpecRange {
  spec_version?: string | undefined;
  min_spec_version?: string | undefined;
  max_spec_version?: string | undefined;
}

/** The spec range of a manifest, as `specCompatible` reads it. */
export function specRangeOf(manifest: {
  specification?: { spec_version?: string };
  requirements?: { min_spec_version?: string; max_spec_version?: string };
}): SpecRange {
  return {
    spec_version: manifest.specification?.spec_version,
    min_spec_version: manifest.requirements?.min_spec_version,
    max_spec_version: manifest.requirements?.max_spec_version,
  };
}

export type SpecVerdict =
  | { compatible: true }
  | { compatible: false; bound: "min_spec_version" | "spec_version" | "max_spec_version"; message: string };

/**
 * Whether a plugin works with a spec version `host` (the host's at install, the registry's at the
 * gate): the one rule both sides apply. From `min_spec_version` (else the `spec_version` it was
 * written for) up to `max_spec_version`, or, without a maximum, up to the next breaking version
 * after `spec_version` in SemVer terms (same major; same minor while the major is 0). Spec
 * versions are plain `x.y.z` (the schema says so); anything else decides nothing.
 */
export function specVerdict(range: SpecRange, host: string): SpecVerdict {
  const h = parse(host);
  if (!h) return { compatible: true };
  const written = parse(range.spec_version);
  const min = parse(range.min_spec_version);
  const low = min ?? written;
  if (low && compare(h, low) < 0) {
    return {
      compatible: false,
      bound: min ? "min_spec_version" : "spec_version",
      message: `the plugin needs spec ${show(low)} or later, not ${host}`,
    };
  }
  const max = parse(range.max_spec_version);
  if (max) {
    if (compare(h, max) <= 0) return { compatible: true };
    return {
      compatible: false,
      bound: "max_spec_version",
      message: `the plugin supports spec up to ${show(max)}, not ${host}: raise max_spec_version if it works with ${host}`,
    };
  }
  if (!written || compare(h, written) <= 0) return { compatible: true };
  if (h[0] === written[0] && (h[0] !== 0 || h[1] === written[1])) return { compatible: true };
  return {
    compatible: false,
    bound: "spec_version",
    message: `the plugin was written for spec ${show(written)}, a version ${host} breaks (SemVer): declare max_spec_version if it works with ${host}`,
  };
}

/** True when `specVerdict` says compatible. */
export function specCompatible(range: SpecRange, host: string): boolean {
  return specVerdict(range, host).compatible;
}

type Triple = [number, number, number];

function parse(v: string | undefined): Triple | undefined {
  const m = v === undefined ? null : /^(\d{1,9})\.(\d{1,9})\.(\d{1,9})$/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function compare(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

const show = (t: Triple) => t.join(".");
