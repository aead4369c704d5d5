import { RE2JS } from "re2js";
import { charge } from "./author-budget.ts";

/**
 * Regular expressions from plugin authors (`pattern`, `patternProperties`) run in RE2 (through
 * re2js): matching time is linear in the input whatever the pattern, so no pattern can hang a
 * validation (ReDoS). RE2 has no backreferences or lookaround; a pattern that needs them cannot be
 * compiled and is refused with a finding instead of falling back to a backtracking engine.
 */

/**
 * Largest accepted RE2 program of one pattern (RE2's own measure of its cost; `a{1000}` is about
 * 1,000). Compiling costs up to tens of microseconds per instruction, and a match may take one step
 * per instruction per character.
 */
export const MAX_PATTERN_PROGRAM = 1000;

/** Compiled patterns, shared by every schema (the same few patterns recur); bounded. */
const compiledPatterns = new Map<string, RE2JS>();
const MAX_COMPILED_PATTERNS = 256;

/** The compiled pattern, or why RE2 cannot run it. */
export function compileLinear(pattern: string): { regexp: RE2JS } | { problem: string; tooLarge?: true } {
  let regexp = compiledPatterns.get(pattern);
  if (!regexp) {
    try {
      regexp = RE2JS.compile(RE2JS.translateRegExp(pattern));
    } catch (error) {
      return { problem: error instanceof Error ? error.message : String(error) };
    }
    if (compiledPatterns.size >= MAX_COMPILED_PATTERNS) compiledPatterns.clear();
    compiledPatterns.set(pattern, regexp);
  }
  const size = regexp.programSize();
  if (size > MAX_PATTERN_PROGRAM) {
    return {
      problem: `its compiled program has ${size} instructions (the limit is ${MAX_PATTERN_PROGRAM})`,
      tooLarge: true,
    };
  }
  return { regexp };
}

/**
 * ajv's `code.regExp` engine: ajv calls it for every `pattern` and `patternProperties` key of a
 * schema it compiles. Patterns are checked with compileLinear before ajv sees them; a pattern
 * that still fails here makes ajv's compile fail, never a backtracking match.
 */
export function linearRegExp(
  pattern: string,
  flags: string,
): { test: (input: string) => boolean; toString: () => string } {
  const compiled = compileLinear(pattern);
  if ("problem" in compiled) throw new Error(`pattern ${JSON.stringify(pattern)}: ${compiled.problem}`);
  const { regexp } = compiled;
  const size = regexp.programSize();
  return {
    test: (input: string) => {
      // A call costs about two steps (see author-budget.ts), plus the worst case of RE2's
      // automaton: every instruction on every character, about 50 of those per step.
      charge(2 + (input.length * size) / 50);
      return regexp.test(input);
    },
    // ajv keys compiled patterns by this string: each pattern must have its own.
    toString: () => `/${pattern}/${flags}`,
  };
}
// ajv prints `code` when it generates standalone code; validators here are never made standalone.
linearRegExp.code = 'require("re2js").RE2JS';
