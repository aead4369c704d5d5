import type { Finding } from "../findings.types.ts";
import { DIGEST_HEX_LENGTH } from "../signature/checksum.ts";
import { finding } from "./finding.ts";
import type { Rule } from "./rule.types.ts";

/** A checksum's length matches its algorithm (the algorithm's strength is `downloadRequired`'s). */
export const checksumFormat: Rule = (ctx) => {
  const out: Finding[] = [];
  const { checksum, checksum_algorithm: algorithm = "sha256" } = ctx.manifest.installation;
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (checksum !== undefined && checksum.length !== length) {
    out.push(
      finding(
        ctx,
        "CHECKSUM_FORMAT",
        "/installation/checksum",
        `a ${algorithm} checksum has ${length} hex digits, this one has ${checksum.length}: check checksum_algorithm`,
      ),
    );
  }
  return out;
};
