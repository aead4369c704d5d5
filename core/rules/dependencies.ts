import { parseConstraint } from "../constraints.ts";
import type { Finding } from "../findings.types.ts";
import { bestMatch } from "../versions/pick.ts";
import { finding } from "./finding.ts";
import type { Rule } from "./rule.types.ts";

/**
 * Each dependency's constraint parses; inside a registry, the plugin exists and some version
 * satisfies it under the picking rules clients resolve with (`bestMatch`: not yanked, no
 * prerelease unless the constraint names one). Optional dependencies only warn.
 */
export const dependencies: Rule = (ctx) => {
  const out: Finding[] = [];
  const deps = ctx.manifest.requirements?.dependencies ?? [];
  const seen = new Set<string>();
  deps.forEach((dep, i) => {
    const base = `/requirements/dependencies/${i}`;
    const severity = dep.optional ? "warning" : "error";
    if (dep.name === ctx.manifest.metadata.name) {
      out.push(finding(ctx, "DEPENDENCY_CYCLE", `${base}/name`, "a plugin cannot depend on itself"));
      return;
    }
    if (seen.has(dep.name)) {
      out.push(
        finding(
          ctx,
          "INVALID_CONSTRAINT",
          `${base}/name`,
          `'${dep.name}' is listed twice: join the constraints with a comma`,
        ),
      );
    }
    seen.add(dep.name);
    const parsed = parseConstraint(dep.version_constraint);
    if (!parsed.value) {
      out.push(
        finding(
          ctx,
          "INVALID_CONSTRAINT",
          `${base}/version_constraint`,
          parsed.error ?? "invalid constraint",
        ),
      );
      return;
    }
    if (!ctx.lookup) return;
    const versions = ctx.lookup(dep.name);
    if (!versions || versions.length === 0) {
      out.push(
        finding(
          ctx,
          "DEPENDENCY_NOT_FOUND",
          `${base}/name`,
          `'${dep.name}' is not in this registry${dep.optional ? " (optional: clients will skip it)" : ": publish it first, or mark the dependency optional"}`,
          severity,
        ),
      );
      return;
    }
    if (!bestMatch(versions, parsed.value)) {
      const available = versions.filter((v) => !v.yanked).map((v) => v.version);
      out.push(
        finding(
          ctx,
          "DEPENDENCY_UNSATISFIABLE",
          `${base}/version_constraint`,
          `no published version of '${dep.name}' satisfies ${dep.version_constraint} (available: ${available.join(", ") || "none that are not yanked"})`,
          severity,
        ),
      );
    }
  });
  return out;
};
