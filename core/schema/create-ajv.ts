import Ajv2020Module, { _ } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { SAFE_AJV_OPTIONS } from "./safe-ajv-options.ts";

// ajv and ajv-formats are CommonJS with a default export.
const Ajv2020 = Ajv2020Module as unknown as typeof Ajv2020Module.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/**
 * An ajv instance safe for untrusted data: nothing is changed in the data (no defaults, no
 * coercion, no removal), no `$data` references, every error collected. For the project's own
 * schemas; schemas written by plugin authors go through author-schema.ts, which bounds them.
 * `standalone` keeps the generated source, for scripts/build-validators.ts.
 */
export function createAjv(
  options: { strict?: boolean; standalone?: boolean } = {},
): InstanceType<typeof Ajv2020> {
  const strict = options.strict ?? true;
  const ajv = new Ajv2020({
    ...SAFE_AJV_OPTIONS,
    strict,
    ...(options.standalone
      ? { code: { source: true, esm: true, formats: _`require("ajv-formats/dist/formats").fastFormats` } }
      : {}),
  });
  // "fast" formats: simpler regular expressions; URLs get a stricter semantic check (core/url-policy.ts).
  addFormats(ajv, { mode: "fast", formats: ["uri", "date-time", "email"] });
  return ajv;
}
