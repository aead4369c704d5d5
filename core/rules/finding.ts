import type { Finding, FindingCode, Severity } from "../findings.types.ts";
import type { RuleContext } from "./rule.types.ts";

/** Shorthand for a rule's finding in the manifest being checked. */
export function finding(
  ctx: RuleContext,
  code: FindingCode,
  pointer: string,
  message: string,
  severity: Severity = "error",
): Finding {
  return { code, severity, message, file: ctx.file, pointer };
}
