import Ajv2020Module, { type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import configSchema from "../../schemas/config.schema.json" with { type: "json" };
import entrySchema from "../../schemas/entry.schema.json" with { type: "json" };
import manifestSchema from "../../schemas/plugin-manifest.schema.json" with { type: "json" };

// ajv and ajv-formats are CommonJS with a default export.
const Ajv2020 = Ajv2020Module as unknown as typeof Ajv2020Module.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/**
 * An ajv instance safe for untrusted data: nothing is changed in the data (no defaults, no
 * coercion, no removal), no `$data` references, every error collected. For the project's own
 * schemas; schemas written by plugin authors go through author-schema.ts, which bounds them.
 */
export function createAjv(options: { strict?: boolean } = {}): InstanceType<typeof Ajv2020> {
  const strict = options.strict ?? true;
  const ajv = new Ajv2020({
    allErrors: true,
    strict,
    strictRequired: false,
    allowUnionTypes: true,
    $data: false,
    useDefaults: false,
    coerceTypes: false,
    removeAdditional: false,
    validateFormats: true,
    unicodeRegExp: true,
  });
  // "fast" formats: simpler regular expressions; URLs get a stricter semantic check (core/url-policy.ts).
  addFormats(ajv, { mode: "fast", formats: ["uri", "date-time", "email"] });
  return ajv;
}

let compiled: { manifest: ValidateFunction; entry: ValidateFunction; config: ValidateFunction } | undefined;

/** The registry's three document validators, compiled once per process on first use. */
export function validators(): {
  manifest: ValidateFunction;
  entry: ValidateFunction;
  config: ValidateFunction;
} {
  if (!compiled) {
    const ajv = createAjv();
    ajv.addSchema(entrySchema);
    compiled = {
      manifest: ajv.compile(manifestSchema),
      entry: ajv.getSchema(entrySchema.$id) as ValidateFunction,
      config: ajv.compile(configSchema),
    };
  }
  return compiled;
}
