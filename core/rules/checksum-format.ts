import type { Finding } from "../findings.types.ts";
import { finding } from "./finding.ts";
import type { Rule } from "./rule.types.ts";

const HEX_LENGTH = { sha256: 64, sha512: 128, md5: 32 } as const;

/** A checksum's length matches its algorithm; md5 is weak (an error where trust is claimed). */
export const checksumFormat: Rule = (ctx) => {
  const out: Finding[] = [];
  const { checksum, checksum_algorithm: algorithm = "sha256" } = ctx.manifest.installation;
  if (checksum !== undefined && checksum.length !== HEX_LENGTH[algorithm]) {
    out.push(
      finding(
        ctx,
        "CHECKSUM_FORMAT",
        "/installation/checksum",
        `a ${algorithm} checksum has ${HEX_LENGTH[algorithm]} hex digits, this one has ${checksum.length}: check checksum_algorithm`,
      ),
    );
  }
  if (algorithm === "md5") {
    const level = ctx.manifest.security?.security_level ?? "untrusted";
    const trusted = level === "verified" || level === "official";
    out.push(
      finding(
        ctx,
        "WEAK_CHECKSUM",
        "/installation/checksum_algorithm",
        `md5 does not protect against tampering: use sha256${trusted ? ` (required for the ${level} level)` : ""}`,
        trusted ? "error" : "warning",
      ),
    );
  }
  return out;
};
