import type { ValidateFunction } from "ajv";
import * as compiled from "./generated/validators.js";

/**
 * The registry's three document validators: ajv's standalone code for schemas/, compiled at build
 * time by scripts/build-validators.ts (with createAjv's options), so no process pays for ajv's
 * compiler: the CLI validates one file at once and worker threads start validating at once.
 */
export function validators(): {
  manifest: ValidateFunction;
  entry: ValidateFunction;
  config: ValidateFunction;
} {
  return compiled;
}
