/**
 * Input keys for the per-plugin documents (plugin document, versions index, plugin feed): a hash
 * of everything they are rendered from, so a rebuild skips rendering plugins that did not change.
 * The rendering code is part of the key (its source files are hashed once per process), so a
 * change to the generator never leaves stale documents behind.
 */
import { createHash, hash } from "node:crypto";
import { readFileSync } from "node:fs";
import { bundleHash } from "../core/code-version.ts";
import type { Entry } from "../core/registry.types.ts";
import { canonicalJson, sorted } from "./json.ts";
import type { BuildModel, VersionPart } from "./model.types.ts";

/** Modules whose code shapes the per-plugin documents (relative to this folder). */
const RENDERING_MODULES = [
  "../core/api/api.types.ts",
  "../core/api/paths.ts",
  "../core/versions/pick.ts",
  "../core/signature/signature-kind.ts",
  "../core/finfocus/cli-registry-entry.ts",
  "../package.json",
  "feeds.ts",
  "fingerprint.ts",
  "json.ts",
  "lists.ts",
  "model.ts",
  "model.types.ts",
  "plugin-model.ts",
  "registry-json.ts",
  "render.ts",
  "summaries.ts",
  "time.ts",
];

let codeHash: string | undefined;

/** The identity of the rendering code (the bundle's hash, or its modules' sources). */
export function renderingCode(): string {
  codeHash ??= bundleHash();
  if (codeHash === undefined) {
    const h = createHash("sha256");
    for (const file of RENDERING_MODULES) h.update(file).update(readFileSync(new URL(file, import.meta.url)));
    codeHash = h.digest("hex");
  }
  return codeHash;
}

/** The input key of one plugin's documents (see the module comment). */
export function pluginKey(
  name: string,
  entry: Entry,
  versions: readonly VersionPart[],
  baseUrl: string,
): string {
  // Summaries and the latest manifest derive from the entry, each manifest's bytes (sha256), its
  // publication time and whether a bundle sits beside it: that is the whole input. One text, one
  // hash call (a call per part costs more than hashing the text, once per plugin).
  let text = `${renderingCode()}\0${baseUrl}\0${name}\0${canonicalJson(entry)}`;
  for (const v of versions)
    text += `${v.version}\0${v.manifest_sha256}\0${v.published_at}\0${v.bundleFile ?? ""}\n`;
  return hash("sha256", text);
}

/**
 * The key under which a rebuild finds a plugin's remembered parts (parts-cache-fs.ts): the
 * rendering code, the base URL, the entry, and each valid version's file, bytes (sha256), bundle
 * and commit date. A publication time taken from the manifest is covered by its bytes; one taken
 * from the generation time is checked beside the key.
 */
export function partsKey(
  name: string,
  entry: Entry,
  versions: readonly { version: string; file: string; sha256: string; bundleFile?: string }[],
  baseUrl: string,
  commitDate: (file: string) => string | undefined,
): string {
  let text = `parts\0${renderingCode()}\0${baseUrl}\0${name}\0${canonicalJson(entry)}`;
  for (const v of versions)
    text += `\n${v.version}\0${v.file}\0${v.sha256}\0${v.bundleFile ?? ""}\0${commitDate(v.file) ?? ""}`;
  return hash("sha256", text);
}

/**
 * A key of everything the site renders from a model (the discovery and index documents, each
 * plugin's document and manifests), from what determines it: the discovery document, the
 * generation time and each plugin's input key (which covers its summary, documents and manifests).
 */
export function siteFingerprint(model: BuildModel): string {
  const h = createHash("sha256").update(`site\0${renderingCode()}\0${model.generated_at}\0`);
  h.update(canonicalJson(model.discovery)).update(`\0${model.releases.length > 0}`);
  for (const p of model.plugins) h.update(`\n${p.name}\0${p.parts.key}`);
  return h.digest("hex");
}

/**
 * The sha256 of what a list shows of a plugin (`PluginParts.entryDigest`): its value with sorted
 * keys as compact JSON, which fixes its canonical text (json.ts) at a fraction of the cost.
 */
export function listDigest(value: unknown): string {
  return hash("sha256", JSON.stringify(sorted(value)));
}

/**
 * The input key of registry.json: the rendering code and every plugin's name and entry digest, in
 * order (none for a plugin it leaves out): a version that changes no plugin's entry leaves it as
 * it was, unrendered.
 */
export function registryKey(model: BuildModel): string {
  const h = createHash("sha256").update(`registry\0${renderingCode()}\0`);
  for (const p of model.plugins) h.update(`\n${p.name}\0${p.parts.entryDigest ?? ""}`);
  return h.digest("hex");
}

/**
 * The input key of the plugin index and the releases feed: the rendering code, the registry's
 * name, base URL and generation time, and every plugin's input key, in order (each covers what the
 * lists show of its plugin).
 */
export function listsKey(model: BuildModel): string {
  const h = createHash("sha256").update(`lists\0${renderingCode()}\0`);
  h.update(`${model.registry_name}\0${model.base_url}\0${model.generated_at}\0`);
  for (const p of model.plugins) h.update(`\n${p.name}\0${p.parts.key}`);
  return h.digest("hex");
}
