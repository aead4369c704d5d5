/**
 * Reading the static API: every document a client fetches is loaded with the safe JSON loader and
 * validated against its schema in `schemas/api/` before any field is used, so a hostile or broken
 * host gets a finding, never an unchecked cast. The runner and the site read with these; the
 * generator writes the same types (`api.types.ts`).
 */
import type { ValidateFunction } from "ajv";
import type { Result } from "../findings.types.ts";
import { loadJson } from "../json/load-json.ts";
import * as compiled from "../schema/generated/api-validators.js";
import { schemaFindings } from "../schema/schema-findings.ts";
import type {
  DiscoveryDocument,
  PluginDocument,
  PluginIndexDocument,
  VersionIndexDocument,
} from "./api.types.ts";

/** The documents a client reads, by the schema that describes each. */
export interface ApiDocuments {
  discovery: DiscoveryDocument;
  "plugin-index": PluginIndexDocument;
  plugin: PluginDocument;
  "version-index": VersionIndexDocument;
}
export type ApiDocumentKind = keyof ApiDocuments;

/** Largest document accepted per kind: a version list of 100,000 rows fits, a flood does not. */
export const API_MAX_BYTES: Readonly<Record<ApiDocumentKind, number>> = {
  discovery: 256 * 1024,
  "plugin-index": 64 * 1024 * 1024,
  plugin: 64 * 1024 * 1024,
  "version-index": 64 * 1024 * 1024,
};

/**
 * The validators: ajv's standalone code for schemas/api/, compiled at build time
 * (scripts/build-validators.ts). A plugin document's `latest` is checked here only as an object:
 * it is a manifest, judged by core's manifest validation (schema and rules) when a client uses it,
 * with the same codes the gate gives.
 */
const VALIDATORS: Readonly<Record<ApiDocumentKind, ValidateFunction>> = {
  discovery: compiled.discovery,
  "plugin-index": compiled.pluginIndex,
  plugin: compiled.plugin,
  "version-index": compiled.versionIndex,
};

/**
 * Loads and validates one API document. `file` names where it came from (its URL or path) in the
 * findings: `REGISTRY_DOCUMENT_INVALID` at the pointer that is wrong, or the JSON loader's codes.
 */
export function readApiDocument<K extends ApiDocumentKind>(
  kind: K,
  bytes: Uint8Array,
  file: string,
): Result<ApiDocuments[K]> {
  const loaded = loadJson(bytes, { file, maxBytes: API_MAX_BYTES[kind] });
  if (loaded.value === undefined) return { findings: loaded.findings };
  return checkApiDocument(kind, loaded.value, file);
}

/** Validates an already parsed API document (see `readApiDocument`). */
export function checkApiDocument<K extends ApiDocumentKind>(
  kind: K,
  value: unknown,
  file: string,
): Result<ApiDocuments[K]> {
  const validate = VALIDATORS[kind];
  if (!validate(value)) {
    return { findings: schemaFindings(validate.errors ?? [], file, "REGISTRY_DOCUMENT_INVALID") };
  }
  return { value: value as ApiDocuments[K], findings: [] };
}
