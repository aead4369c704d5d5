import semver from "semver";
import type { Finding } from "../findings.types.ts";
import { finding } from "./finding.ts";
import type { Rule } from "./rule.types.ts";

/**
 * min_spec_version ≤ spec_version ≤ max_spec_version, and the registry's spec version lies within
 * what the plugin supports.
 */
export const specVersion: Rule = (ctx) => {
  const out: Finding[] = [];
  const spec = ctx.manifest.specification.spec_version;
  const min = ctx.manifest.requirements?.min_spec_version;
  const max = ctx.manifest.requirements?.max_spec_version;
  if (!semver.valid(spec)) return out;
  if (min && semver.valid(min) && semver.gt(min, spec)) {
    out.push(
      finding(
        ctx,
        "INVALID_VERSION",
        "/requirements/min_spec_version",
        `min_spec_version ${min} is above spec_version ${spec}`,
      ),
    );
  }
  if (max && semver.valid(max) && semver.lt(max, spec)) {
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
  if (registrySpec && semver.valid(registrySpec)) {
    const low = min && semver.valid(min) ? min : spec;
    if (semver.gt(low, registrySpec)) {
      out.push(
        finding(
          ctx,
          "SPEC_VERSION_INCOMPATIBLE",
          min ? "/requirements/min_spec_version" : "/specification/spec_version",
          `the plugin needs spec ${low} or later but this registry serves spec ${registrySpec}`,
        ),
      );
    }
    if (max && semver.valid(max) && semver.lt(max, registrySpec)) {
      out.push(
        finding(
          ctx,
          "SPEC_VERSION_INCOMPATIBLE",
          "/requirements/max_spec_version",
          `the plugin supports spec up to ${max} but this registry serves spec ${registrySpec}: raise max_spec_version if it works with ${registrySpec}`,
        ),
      );
    }
  }
  return out;
};
