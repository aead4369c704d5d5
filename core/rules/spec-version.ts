import type { Finding } from "../findings.types.ts";
import { specRangeOf, specVerdict } from "../versions/spec-compat.ts";
import { finding } from "./finding.ts";
import type { Rule } from "./rule.types.ts";

/** Spec versions are plain x.y.z (the schema says so): compare them without allocating. */
function compare(a: string, b: string): number {
  const x = a.split(".");
  const y = b.split(".");
  for (let i = 0; i < 3; i++) {
    const d = Number(x[i]) - Number(y[i]);
    if (d !== 0) return d;
  }
  return 0;
}

const valid = (v: string | undefined): v is string => v !== undefined && /^\d+\.\d+\.\d+$/.test(v);

const POINTER = {
  min_spec_version: "/requirements/min_spec_version",
  spec_version: "/specification/spec_version",
  max_spec_version: "/requirements/max_spec_version",
} as const;

/**
 * min_spec_version ≤ spec_version ≤ max_spec_version, and the spec version the registry serves is
 * one the plugin works with: the same `specVerdict` the runner applies to the host's spec version.
 */
export const specVersion: Rule = (ctx) => {
  const out: Finding[] = [];
  const spec = ctx.manifest.specification.spec_version;
  const min = ctx.manifest.requirements?.min_spec_version;
  const max = ctx.manifest.requirements?.max_spec_version;
  if (!valid(spec)) return out;
  if (valid(min) && compare(min, spec) > 0) {
    out.push(
      finding(
        ctx,
        "INVALID_VERSION",
        "/requirements/min_spec_version",
        `min_spec_version ${min} is above spec_version ${spec}`,
      ),
    );
  }
  if (valid(max) && compare(max, spec) < 0) {
    out.push(
      finding(
        ctx,
        "INVALID_VERSION",
        "/requirements/max_spec_version",
        `max_spec_version ${max} is below spec_version ${spec}`,
      ),
    );
  }
  const registrySpec = ctx.config?.spec_version;
  if (valid(registrySpec)) {
    const verdict = specVerdict(specRangeOf(ctx.manifest), registrySpec);
    if (!verdict.compatible) {
      out.push(
        finding(
          ctx,
          "SPEC_VERSION_INCOMPATIBLE",
          POINTER[verdict.bound],
          `${verdict.message} (this registry serves spec ${registrySpec})`,
        ),
      );
    }
  }
  return out;
};
