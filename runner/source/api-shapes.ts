import type { PluginDocument, PluginIndexDocument } from "../../core/api/api.types.ts";
import { RunnerError } from "../errors.ts";

/**
 * The shapes the registry reader relies on, checked on every document it fetches: a hostile or
 * broken registry gets REGISTRY_DOCUMENT_INVALID naming the document, never a TypeError deep in
 * the runner. (Types only: what a field means is judged where it is used.)
 */
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === "string");
const optional = (v: unknown, test: (v: unknown) => boolean): boolean => v === undefined || test(v);

function invalid(url: string, why: string): RunnerError {
  return new RunnerError("REGISTRY_DOCUMENT_INVALID", `${url}: ${why}`, { url });
}

function versionRow(row: unknown): boolean {
  return (
    isObject(row) &&
    typeof row.version === "string" &&
    typeof row.manifest_url === "string" &&
    optional(row.bundle_url, (v) => typeof v === "string") &&
    optional(row.checksum, (v) => typeof v === "string") &&
    optional(
      row.dependencies,
      (deps) =>
        Array.isArray(deps) &&
        deps.every(
          (d) => isObject(d) && typeof d.name === "string" && typeof d.version_constraint === "string",
        ),
    )
  );
}

/** A plugin's index.json: name, version rows, signers and latest manifest of the right types. */
export function checkPluginDocument(url: string, value: unknown): asserts value is PluginDocument {
  if (!isObject(value)) throw invalid(url, "not a JSON object");
  if (typeof value.name !== "string") throw invalid(url, "no plugin name");
  if (!Array.isArray(value.versions) || !value.versions.every(versionRow))
    throw invalid(url, "the versions list is not a list of version rows");
  const signers = value.signers;
  if (
    !optional(
      signers,
      (s) =>
        isObject(s) &&
        optional(s.keys, isStringArray) &&
        optional(s.sigstore, (list) => Array.isArray(list) && list.every(isObject)),
    )
  )
    throw invalid(url, "signers are not keys and identities");
  if (!optional(value.latest, (m) => isObject(m) && isObject(m.metadata)))
    throw invalid(url, "latest is not a manifest");
  if (!optional(value.deprecation_message, (v) => typeof v === "string"))
    throw invalid(url, "deprecation_message is not text");
}

/** The plugins index: a list of summaries with text fields where the search reads them. */
export function checkPluginIndex(url: string, value: unknown): asserts value is PluginIndexDocument {
  if (!isObject(value) || !Array.isArray(value.plugins)) throw invalid(url, "no list of plugins");
  for (const p of value.plugins) {
    if (
      !isObject(p) ||
      typeof p.name !== "string" ||
      !optional(p.keywords, Array.isArray) ||
      !optional(p.capabilities, isStringArray) ||
      !optional(p.providers, isStringArray)
    )
      throw invalid(url, "a plugin summary is not an object with a name");
  }
}

/** A manifest fetched on its own: an object with metadata (the rest is validated where used). */
export function checkManifest(url: string, value: unknown): void {
  if (!isObject(value) || !isObject(value.metadata)) throw invalid(url, "not a manifest");
}

/** Optional discovery fields the reader uses. */
export function checkDiscovery(url: string, value: Record<string, unknown>): void {
  const signers = value.official_signers;
  if (
    !optional(
      signers,
      (s) => isObject(s) && optional(s.keys, isStringArray) && optional(s.sigstore, Array.isArray),
    )
  )
    throw invalid(url, "official_signers is not keys and identities");
}
