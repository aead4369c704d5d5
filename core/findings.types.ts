/**
 * Findings are what every check in the registry produces: validation never throws, it returns
 * findings. The Action renders them as annotations, the CLI as compiler-style lines or JSON.
 */
export type { FindingCode, Severity } from "./codes/codes.ts";

import type { FindingCode, Severity } from "./codes/codes.ts";

/** One problem, at one place. `pointer` is an RFC 6901 JSON pointer ("" is the whole document). */
export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
  /** Path as the user should see it: relative to the registry root or the working directory. */
  file: string;
  pointer: string;
  /** 1-based, when known. */
  line?: number;
  /** 1-based, when known. */
  column?: number;
}

/** What every validation returns: never throws on bad input. */
export interface Result<T> {
  value?: T;
  findings: Finding[];
}
