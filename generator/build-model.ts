/**
 * The build's model: `buildModel` for a snapshot whose unchanged manifests were not parsed
 * (`loadRegistry(…, { keepManifests: "judged" })`). A plugin with such versions whose remembered
 * parts (parts-cache-fs.ts) match its inputs is taken from them and loads its manifests only when
 * one of its documents must be rendered; any other plugin's manifests are read again (checked
 * against the hashes validated), parsed and modelled as in a full build. Both go through the same
 * assembly (model.ts), so a rebuild writes the bytes a full build would.
 */
import { hash } from "node:crypto";
import semver from "semver";
import { RegistryError } from "../core/errors.ts";
import type { Manifest } from "../core/manifest.types.ts";
import type { RegistrySnapshot } from "../core/registry/load-registry.ts";
import type { PluginRecord, VersionFile, VersionRecord } from "../core/registry.types.ts";
import { partsKey } from "./fingerprint.ts";
import { assembleModel } from "./model.ts";
import type { ApiModel, BuildModel, CachedPluginModel, ModelInputs, PluginModel } from "./model.types.ts";
import { type StoredParts, storedParts, usableParts } from "./parts-cache-fs.ts";
import { pluginModel } from "./plugin-model.ts";
import type { ReadRegistryFile } from "./render.ts";

export interface BuildModelResult {
  model: BuildModel;
  /** Every plugin's parts, to remember. */
  parts: Map<string, StoredParts>;
  /**
   * Plugins whose remembered parts were missing or unusable, plus remembered plugins that are
   * gone: 0 when `parts` holds what was offered (nothing new to write).
   */
  stale: number;
  /** Plugins taken from remembered parts (their manifests not parsed). */
  reused: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
/** `a` and `b` (each ascending by SemVer precedence) as one ascending list. */
function merged<A extends { version: string }, B extends { version: string }>(a: A[], b: B[]): (A | B)[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return [...a, ...b].sort((x, y) => semver.compare(x.version, y.version));
}

/** Reads a version's manifest again and checks it is the file validated (same sha256). */
async function reparse(read: ReadRegistryFile, v: VersionFile): Promise<VersionRecord> {
  const bytes = await read(v.file);
  if (bytes === undefined || hash("sha256", bytes) !== v.sha256) {
    throw new RegistryError("IO_ERROR", `registry file changed during the build: ${v.file}`, {
      details: { file: v.file },
    });
  }
  return { ...v, manifest: JSON.parse(utf8.decode(bytes)) as Manifest };
}

/** The record with every valid version parsed. */
async function fullRecord(record: PluginRecord, read: ReadRegistryFile): Promise<PluginRecord> {
  if (!record.unparsed?.length) return record;
  const reparsed = await Promise.all(record.unparsed.map((v) => reparse(read, v)));
  const { unparsed: _, ...rest } = record;
  return { ...rest, versions: merged(record.versions, reparsed) };
}

/** The build's model (see the module comment); `previous`: parts as read back (untrusted). */
export async function modelForBuild(
  snapshot: RegistrySnapshot,
  inputs: ModelInputs,
  previous: Map<string, unknown>,
  read: ReadRegistryFile,
): Promise<BuildModelResult> {
  const baseUrl = snapshot.config.base_url;
  const records = [...snapshot.plugins].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const plugins: (PluginModel | CachedPluginModel)[] = [];
  const parts = new Map<string, StoredParts>();
  let stale = 0;
  let reused = 0;
  for (const record of records) {
    const valid: VersionFile[] = merged(record.versions, record.unparsed ?? []);
    if (valid.length === 0) continue;
    const key = partsKey(record.name, record.entry, valid, baseUrl, (f) => inputs.publishedAt.get(f));
    const remembered = previous.get(record.name);
    const usable = record.unparsed?.length
      ? usableParts(remembered, record.name, key, inputs.generatedAt, valid)
      : undefined;
    if (usable) {
      reused++;
      parts.set(record.name, remembered as StoredParts);
      plugins.push({
        name: record.name,
        parts: usable,
        load: async () => pluginModel(await fullRecord(record, read), inputs, baseUrl).plugin,
      });
      continue;
    }
    const built = pluginModel(await fullRecord(record, read), inputs, baseUrl);
    parts.set(
      record.name,
      storedParts(key, built.usesGenerationTime ? inputs.generatedAt : undefined, built.plugin.parts),
    );
    if (usableParts(remembered, record.name, key, inputs.generatedAt, valid) === undefined) stale++;
    plugins.push(built.plugin);
  }
  for (const name of previous.keys()) if (!parts.has(name)) stale++;
  return { model: assembleModel(snapshot, inputs, plugins), parts, stale, reused };
}

/**
 * The whole model, every plugin's documents in memory (what the site renders): plugins taken from
 * remembered parts load their manifests now.
 */
export async function completeModel(model: BuildModel): Promise<ApiModel> {
  const plugins = await Promise.all(model.plugins.map((p) => ("load" in p ? p.load() : p)));
  return { ...model, plugins };
}
