import type { Finding } from "../findings.types.ts";
import { toPointer } from "../json/pointer.ts";
import type { Rule } from "./rule.types.ts";

/**
 * Bidirectional overrides and isolates (Trojan Source, CVE-2021-42574), invisible format
 * characters and other C0/C1 controls make text read differently from what it is.
 */
// biome-ignore lint/complexity/useRegexLiterals: a literal would need control characters that the linter refuses
const UNSAFE = new RegExp(
  "[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u202a-\\u202e\\u2066-\\u2069\\ufeff]",
  "u",
);

/** Text shown to people (site, PR comment, CLI) carries no bidi or invisible control characters. */
export const unsafeText: Rule = (ctx) => unsafeTextFindings(ctx.manifest, ctx.file);

/** Every string in `document` that carries a bidi or invisible control character. */
export function unsafeTextFindings(document: unknown, file: string): Finding[] {
  const out: Finding[] = [];
  const visit = (value: unknown, path: (string | number)[]): void => {
    if (typeof value === "string") {
      const match = UNSAFE.exec(value);
      if (match) {
        const code = match[0].codePointAt(0)?.toString(16).toUpperCase().padStart(4, "0");
        out.push({
          code: "UNSAFE_TEXT",
          severity: "error",
          message: `contains the invisible control character U+${code} at index ${match.index}, which can make text read differently from what it is: remove it`,
          file,
          pointer: toPointer(path),
        });
      }
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(value[i], [...path, i]);
    } else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
    }
  };
  visit(document, []);
  return out;
}
