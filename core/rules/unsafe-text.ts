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
export const unsafeText: Rule = (ctx) => {
  // Such a character is in the file either as itself or as a \u escape: a clean text has neither.
  if (ctx.text !== undefined && !ctx.text.includes("\\u") && !UNSAFE.test(ctx.text)) return [];
  return unsafeTextFindings(ctx.manifest, ctx.file);
};

/** Every string in `document` that carries a bidi or invisible control character. */
export function unsafeTextFindings(document: unknown, file: string): Finding[] {
  const out: Finding[] = [];
  const path: (string | number)[] = [];
  const visit = (value: unknown): void => {
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
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        visit(value[i]);
        path.pop();
      }
    } else if (value !== null && typeof value === "object") {
      for (const key in value) {
        path.push(key);
        visit((value as Record<string, unknown>)[key]);
        path.pop();
      }
    }
  };
  visit(document);
  return out;
}
