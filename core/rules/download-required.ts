import type { Finding } from "../findings.types.ts";
import { finding } from "./finding.ts";
import type { Rule } from "./rule.types.ts";

const DOWNLOADABLE = new Set(["binary", "package", "script"]);

/** Installs that download something must say where from and what its checksum is. */
export const downloadRequired: Rule = (ctx) => {
  const out: Finding[] = [];
  const install = ctx.manifest.installation;
  if (!DOWNLOADABLE.has(install.installation_method)) return out;
  for (const field of ["download_url", "checksum"] as const) {
    if (install[field] === undefined) {
      out.push(
        finding(
          ctx,
          "DOWNLOAD_REQUIRED",
          `/installation/${field}`,
          `a '${install.installation_method}' install needs installation.${field}, so clients can download and verify the artifact`,
        ),
      );
    }
  }
  return out;
};
