import type { ErrorObject } from "ajv";
import { FindingCollector } from "../findings.ts";
import type { Finding, FindingCode } from "../findings.types.ts";
import { escapeToken } from "../json/pointer.ts";

/**
 * Turns ajv's errors into one readable finding per problem. ajv reports a failing `anyOf`,
 * `if`/`then` or `enum` as several sub-errors; users want one line that says what is wrong and
 * what is allowed. At most MAX_FINDINGS_PER_FILE are written out; the rest are counted in one
 * FINDINGS_TRUNCATED finding (a file can fail the schema in tens of thousands of places).
 */
export function schemaFindings(errors: readonly ErrorObject[], file: string, code: FindingCode): Finding[] {
  const byPointer = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    if (error.keyword === "if") continue; // always accompanied by the `then`/`else` error that explains it
    const pointer = pointerOf(error);
    const list = byPointer.get(pointer) ?? [];
    list.push(error);
    byPointer.set(pointer, list);
  }
  const findings = new FindingCollector();
  for (const [pointer, group] of byPointer) {
    if (!findings.open) {
      findings.skip("error");
      continue;
    }
    // A failing anyOf also reports each branch: keep the anyOf's summary only.
    const anyOf = group.find((e) => e.keyword === "anyOf");
    const chosen = anyOf
      ? [anyOf]
      : group.filter((e, i) => group.findIndex((o) => o.keyword === e.keyword) === i);
    // One finding per place: several problems with one value read best as one sentence.
    const messages = chosen.map((error, i) => {
      const message = messageOf(error, pointer);
      return i === 0 ? message : message.replace(/^'[^']*' |^the document /, "");
    });
    findings.add({ code, severity: "error", message: messages.join("; "), file, pointer });
  }
  return findings.result(file);
}

function pointerOf(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  if (error.keyword === "required") return `${error.instancePath}/${escapeToken(String(p.missingProperty))}`;
  if (error.keyword === "additionalProperties")
    return `${error.instancePath}/${escapeToken(String(p.additionalProperty))}`;
  if (error.keyword === "dependentRequired")
    return `${error.instancePath}/${escapeToken(String(p.missingProperty))}`;
  return error.instancePath;
}

function messageOf(error: ErrorObject, pointer: string): string {
  const p = error.params as Record<string, unknown>;
  const field = pointer === "" ? "the document" : `'${pointer}'`;
  switch (error.keyword) {
    case "required":
      return `${field} is required`;
    case "additionalProperties":
      return `${field} is not a field of this format: remove it or check its spelling`;
    case "dependentRequired":
      return `${field} is required when '${String(p.property)}' is set`;
    case "enum":
      return `${field} must be one of: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "const":
      return `${field} must be ${JSON.stringify(p.allowedValue)}`;
    case "type":
      return `${field} must be ${article(String(p.type))}`;
    case "pattern":
      return `${field} ${hintFor(pointer) ?? `has the wrong form (expected to match ${String(p.pattern)})`}`;
    case "format":
      return `${field} must be a valid ${String(p.format)}`;
    case "anyOf":
      return pointer.endsWith("/download_url")
        ? `${field} must be a URL, or for container installs an OCI image reference (host/repo:tag or host/repo@sha256:<64 hex>)`
        : `${field} matches none of the allowed forms`;
    case "maxLength":
    case "minLength":
    case "maxItems":
    case "minItems":
    case "maximum":
    case "minimum":
    case "maxProperties":
      return `${field} ${error.message ?? "is out of range"}`;
    case "uniqueItems":
      return `${field} must not repeat items (items ${String(p.j)} and ${String(p.i)} are equal)`;
    default:
      return `${field} ${error.message ?? "is invalid"}`;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Plain words for the patterns people get wrong most. */
function hintFor(pointer: string): string | undefined {
  if (/\/(metadata\/)?version$/.test(pointer))
    return "must be a SemVer version such as 1.2.3 or 2.0.0-beta.1";
  if (/_spec_version$|\/spec_version$/.test(pointer))
    return "must be a version such as 0.1.0 (no prerelease)";
  if (/\/name$/.test(pointer))
    return "must be 2–50 lowercase letters, digits and hyphens, starting and ending with a letter or digit";
  if (pointer.endsWith("/version_constraint"))
    return "must be a constraint such as ^1.2.0, ~1.2.0 or >=1.0.0,<2.0.0";
  if (pointer.endsWith("/checksum")) return "must be hexadecimal";
  if (pointer.endsWith("/signature")) return "must be base64 (the DER signature, base64-encoded)";
  return undefined;
}
