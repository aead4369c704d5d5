import type { Finding } from "../findings.types.ts";
import { finding } from "./finding.ts";
import type { Rule } from "./rule.types.ts";

/** Scripts in a manifest are shown to users and never run without their consent: say so. */
export const installScript: Rule = (ctx) => {
  const out: Finding[] = [];
  for (const field of ["install_script", "pre_install_checks", "post_install_steps"] as const) {
    if (ctx.manifest.installation[field] === undefined) continue;
    out.push(
      finding(
        ctx,
        "INSTALL_SCRIPT_PRESENT",
        `/installation/${field}`,
        `installation.${field} is never run by clients without the user's explicit consent (--allow-scripts); prefer a self-contained artifact`,
        "warning",
      ),
    );
  }
  return out;
};
