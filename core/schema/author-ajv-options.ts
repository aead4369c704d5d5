import { SAFE_AJV_OPTIONS } from "./safe-ajv-options.ts";

/**
 * The ajv options for plugin authors' schemas, shared by their run-time compilation
 * (author-schema.ts) and the build-time compilation of the JSON Schema 2020-12 meta-schemas that
 * check them (scripts/build-validators.ts writes generated/author-meta-schema.js), so both judge
 * with the same settings. `meta`, `validateSchema` and `code` are chosen by each.
 */
export const AUTHOR_AJV_OPTIONS = {
  ...SAFE_AJV_OPTIONS,
  strict: false,
  // A `$ref` is a call, never a copy: compiled code stays proportional to the schema.
  inlineRefs: false,
  // Large `required` and `enum` lists become loops, not one statement per item.
  loopRequired: 16,
  loopEnum: 16,
} as const;

/** The formats checked in author schemas ("fast" mode; others are ignored, as strict is off). */
export const AUTHOR_FORMATS = ["uri", "date-time", "email"] as const;
