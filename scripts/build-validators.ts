/**
 * Compiles the project's own JSON schemas with ajv's standalone code generator into modules under
 * core/schema/generated/ (committed; a test checks each equals a fresh build). A process then loads
 * ready validation functions instead of compiling schemas at run time, so no path of the CLI but
 * the compilation of plugin authors' configuration schemas (core/schema/author-schema.ts, bounded)
 * loads ajv's compiler: the CLI validates one file at once, and every worker thread starts
 * validating at once. Run: npm run build:validators (after changing a schema in schemas/ or the
 * ajv options in core/schema/create-ajv.ts).
 *
 * - validators.js: the registry's documents (manifest, entry.json, config.json).
 * - discovery-config.js: the spec's discovery configuration (core/config/discovery-config.ts),
 *   with the options it always had (ajv's strict mode off).
 * - api-validators.js: the static API documents a client reads (core/api/read-api.ts).
 * - author-meta-schema.js: the JSON Schema 2020-12 meta-schemas (ajv's copies) that plugin authors'
 *   configuration schemas must satisfy, with the options of author schemas
 *   (core/schema/author-ajv-options.ts); the authors' schemas themselves are compiled at run time.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020Module, { _ } from "ajv/dist/2020.js";
import standaloneCodeModule from "ajv/dist/standalone/index.js";
import addFormatsModule from "ajv-formats";
import { AUTHOR_AJV_OPTIONS, AUTHOR_FORMATS } from "../core/schema/author-ajv-options.ts";
import { createAjv } from "../core/schema/create-ajv.ts";
import discoveryApiSchema from "../schemas/api/discovery.schema.json" with { type: "json" };
import pluginSchema from "../schemas/api/plugin.schema.json" with { type: "json" };
import pluginIndexSchema from "../schemas/api/plugin-index.schema.json" with { type: "json" };
import versionIndexSchema from "../schemas/api/version-index.schema.json" with { type: "json" };
import configSchema from "../schemas/config.schema.json" with { type: "json" };
import discoveryConfigSchema from "../schemas/discovery-config.schema.json" with { type: "json" };
import entrySchema from "../schemas/entry.schema.json" with { type: "json" };
import manifestSchema from "../schemas/plugin-manifest.schema.json" with { type: "json" };

const standaloneCode = standaloneCodeModule as unknown as typeof standaloneCodeModule.default;
const Ajv2020 = Ajv2020Module as unknown as typeof Ajv2020Module.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
type Ajv = InstanceType<typeof Ajv2020>;
const root = fileURLToPath(new URL("..", import.meta.url));

/** Where the generated modules live (each .d.ts is written beside its .js). */
export const GENERATED_DIR = `${root}core/schema/generated`;

interface Schema {
  $id: string;
}

/** One generated module: its exports, each a schema (by `$id`) and what it describes. */
interface GeneratedModule {
  file: string;
  /** The ajv instance to generate from: the project's options, or the author schemas' ones. */
  ajv: "strict" | "loose" | "author-meta";
  /** Added to the ajv instance before generation (the exported ones and what they `$ref`). */
  schemas: Schema[];
  exports: Record<string, { schema: Schema; about: string }>;
}

const FORMATS = _`require("ajv-formats/dist/formats").fastFormats`;

/** The ajv instance a module is generated from (standalone: it keeps the generated source). */
function ajvFor(kind: GeneratedModule["ajv"]): Ajv {
  if (kind !== "author-meta") return createAjv({ strict: kind === "strict", standalone: true });
  // The meta-schemas' own two patterns are fixed and linear: native RegExp, not the RE2 of authors' patterns.
  const ajv = new Ajv2020({
    ...AUTHOR_AJV_OPTIONS,
    meta: true,
    validateSchema: false,
    code: { source: true, esm: true, optimize: false, formats: FORMATS },
  });
  addFormats(ajv, { mode: "fast", formats: [...AUTHOR_FORMATS] });
  return ajv;
}

/** The 2020-12 meta-schema and its vocabularies, as ajv holds them (meta: true). */
function metaSchemas(): Record<string, { schema: Schema; about: string }> {
  const ajv = ajvFor("author-meta");
  const out: Record<string, { schema: Schema; about: string }> = {};
  for (const id of Object.keys(ajv.schemas).sort()) {
    const name = id.endsWith("/schema")
      ? "schema"
      : id.replace(/.*\/meta\//, "").replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    out[name] = { schema: { $id: id }, about: id };
  }
  return out;
}

/**
 * A plugin document's `latest` is checked by the API reader only as an object: it is a manifest,
 * judged by core's manifest validation (schema and rules) when a client uses it.
 */
function apiPluginSchema(): Schema {
  const plugin = structuredClone(pluginSchema) as { properties: Record<string, unknown> } & Schema;
  plugin.properties.latest = { type: "object" };
  return plugin;
}

/** The generated modules (see the module comment). */
export function generatedModules(): GeneratedModule[] {
  const plugin = apiPluginSchema();
  return [
    {
      file: "validators.js",
      ajv: "strict",
      schemas: [manifestSchema, entrySchema, configSchema],
      exports: {
        manifest: { schema: manifestSchema, about: "plugin-manifest.schema.json" },
        entry: { schema: entrySchema, about: "entry.schema.json" },
        config: { schema: configSchema, about: "config.schema.json" },
      },
    },
    {
      file: "discovery-config.js",
      ajv: "loose",
      schemas: [discoveryConfigSchema],
      exports: {
        discoveryConfig: { schema: discoveryConfigSchema, about: "discovery-config.schema.json" },
      },
    },
    {
      file: "api-validators.js",
      ajv: "strict",
      schemas: [versionIndexSchema, discoveryApiSchema, pluginIndexSchema, plugin],
      exports: {
        discovery: { schema: discoveryApiSchema, about: "api/discovery.schema.json" },
        pluginIndex: { schema: pluginIndexSchema, about: "api/plugin-index.schema.json" },
        plugin: { schema: plugin, about: "api/plugin.schema.json, `latest` only an object" },
        versionIndex: { schema: versionIndexSchema, about: "api/version-index.schema.json" },
      },
    },
    { file: "author-meta-schema.js", ajv: "author-meta", schemas: [], exports: metaSchemas() },
  ];
}

const HEADER = `// Generated by scripts/build-validators.ts: do not edit by hand.
// ajv standalone code (its options: see that script); run npm run build:validators
// after changing a schema or the ajv options. A test checks it equals a fresh build.
`;

/**
 * A module's text. ajv writes CommonJS \`require(...)\` calls for its runtime helpers and the
 * formats even in ESM mode; each becomes an import, so Node and esbuild both resolve it.
 */
export function moduleSource(module: GeneratedModule): string {
  const ajv = ajvFor(module.ajv);
  for (const schema of module.schemas) ajv.addSchema(schema);
  const code = standaloneCode(
    ajv,
    Object.fromEntries(Object.entries(module.exports).map(([name, e]) => [name, e.schema.$id])),
  );
  const modules = new Map<string, string>();
  const body = code.replace(/require\("([^"]+)"\)/g, (_, specifier: string) => {
    let name = modules.get(specifier);
    if (name === undefined) {
      name = `__module${modules.size}`;
      modules.set(specifier, name);
    }
    return name;
  });
  const imports = [...modules].map(([specifier, name]) => `import ${name} from "${specifier}.js";`);
  return `${HEADER}${imports.join("\n")}\n${body.replace(/^"use strict";/, "")}\n`;
}

/** The declaration file of a module. */
export function moduleTypes(module: GeneratedModule): string {
  const declarations = Object.entries(module.exports).map(
    ([name, e]) => `/** ${e.about} */\nexport declare const ${name}: ValidateFunction;\n`,
  );
  return `// Generated by scripts/build-validators.ts: do not edit by hand.
import type { ValidateFunction } from "ajv";

${declarations.join("")}`;
}

/** Writes every module and its declaration file into `dir` (the freshness test writes elsewhere). */
export function buildValidators(dir = GENERATED_DIR): void {
  mkdirSync(dir, { recursive: true });
  for (const module of generatedModules()) {
    const file = join(dir, module.file);
    writeFileSync(file, moduleSource(module));
    writeFileSync(file.replace(/\.js$/, ".d.ts"), moduleTypes(module));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildValidators(process.argv[2]);
