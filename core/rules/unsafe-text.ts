import type { Finding } from "../findings.types.ts";
import { toPointer } from "../json/pointer.ts";
import { codePointLabel, findInvisible, INVISIBLE_CHAR } from "../text/invisible.ts";
import type { Rule } from "./rule.types.ts";

/** Text shown to people (site, PR comment, CLI) carries no bidi or invisible control characters. */
export const unsafeText: Rule = (ctx) => {
  // Such a character is in the file either as itself or as a \u escape: a clean text has neither.
  // A plain (ASCII, no DEL) text that parsed has none as itself, without a scan for them.
  if (
    ctx.text !== undefined &&
    !ctx.text.includes("\\u") &&
    (ctx.plainText === true || !INVISIBLE_CHAR.test(ctx.text))
  )
    return [];
  return unsafeTextFindings(ctx.manifest, ctx.file);
};

/** Every string in `document` that carries a bidi or invisible control character. */
export function unsafeTextFindings(document: unknown, file: string): Finding[] {
  const out: Finding[] = [];
  const path: (string | number)[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === "string") {
      const match = findInvisible(value);
      if (match) {
        out.push({
          code: "UNSAFE_TEXT",
          severity: "error",
          message: `contains the invisible control character ${codePointLabel(match.char)} at index ${match.index}, which can make text read differently from what it is: remove it`,
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
