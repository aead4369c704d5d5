import type { Finding } from "../findings.types.ts";
import { finding } from "./finding.ts";
import type { Rule } from "./rule.types.ts";

/** Inside a registry, a manifest lives at plugins/<name>/versions/<version>.json and says so. */
export const pathMatch: Rule = (ctx) => {
  const out: Finding[] = [];
  if (!ctx.path) return out;
  const { name, version } = ctx.manifest.metadata;
  if (name !== ctx.path.name) {
    out.push(
      finding(
        ctx,
        "NAME_MISMATCH",
        "/metadata/name",
        `name is '${name}' but the file is in plugins/${ctx.path.name}/: make them equal`,
      ),
    );
  }
  if (version !== ctx.path.version) {
    out.push(
      finding(
        ctx,
        "VERSION_MISMATCH",
        "/metadata/version",
        `version is '${version}' but the file is named ${ctx.path.version}.json: rename the file to ${version}.json`,
      ),
    );
  }
  return out;
};
