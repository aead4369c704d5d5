import { checksumRequirements } from "../policy/artifact-requirements.ts";
import type { Rule } from "./rule.types.ts";

/**
 * Installs that download something say where from and give a strong checksum: core's one
 * checksum requirement, which the runner applies before it verifies bytes.
 */
export const downloadRequired: Rule = (ctx) => checksumRequirements(ctx.manifest, ctx.file);
