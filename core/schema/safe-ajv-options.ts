/**
 * The options every ajv instance of the project starts from, safe for untrusted data: nothing is
 * changed in the data (no defaults, no coercion, no removal), no `$data` references, every error
 * collected, and nothing logged (ajv's warnings quote the schema: author text on stderr, where
 * GitHub reads workflow commands). author-ajv-options.ts adds the author schemas' bounds on top.
 * No import: modules that must not load ajv's compiler can share it.
 */
export const SAFE_AJV_OPTIONS = {
  allErrors: true,
  strictRequired: false,
  allowUnionTypes: true,
  $data: false,
  useDefaults: false,
  coerceTypes: false,
  removeAdditional: false,
  validateFormats: true,
  unicodeRegExp: true,
  logger: false,
} as const;
