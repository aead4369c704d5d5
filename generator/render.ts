/**
 * `renderApi`: the model as files. Per-version manifests and Sigstore bundles are the registry's
 * own bytes, copied as merged (so a manifest's sha256 equals `manifest_sha256`); every other
 * document is canonical JSON or Atom XML rendered from the model.
 */

import {
  additionalTrustedRootPath,
  bundlePath,
  DISCOVERY_PATH,
  manifestPath,
  NOT_FOUND_PATH,
  PLUGIN_INDEX_PATH,
  pluginFeedPath,
  pluginPath,
  REGISTRY_JSON_PATH,
  RELEASES_FEED_PATH,
  TRUSTED_ROOT_PATH,
  versionsPath,
} from "../core/api/paths.ts";
import { RegistryError } from "../core/errors.ts";
import type { RegistrySnapshot } from "../core/registry/load-registry.ts";
import type { VersionRecord } from "../core/registry.types.ts";
import { atomFeed } from "./feeds.ts";
import { listsKey, registryKey } from "./fingerprint.ts";
import { canonicalJson, sharedCanonicalJson } from "./json.ts";
import { patchedIndex, patchedRegistry } from "./lists.ts";
import type { BuildModel, PluginModel } from "./model.types.ts";
import type { Output, OutputGroup } from "./output.types.ts";

/** Bytes as a Buffer, not copied. */
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Reads a registry file (path relative to the registry root); a RegistrySource's readFile fits. */
export type ReadRegistryFile = (path: string) => Promise<Uint8Array | undefined>;

/**
 * A manifest's bytes as validated in this run, by its file, with their sha256 (the snapshot's
 * `VersionRecord`), when the load kept them; a loaded snapshot's records fit.
 */
export type ValidatedBytes = (file: string) => { bytes?: Uint8Array; sha256: string } | undefined;

/** The manifests of a loaded snapshot that hold their bytes as validated (ValidatedBytes). */
export function validatedBytes(snapshot: RegistrySnapshot): ValidatedBytes {
  const records = new Map<string, VersionRecord>();
  for (const plugin of snapshot.plugins)
    for (const record of plugin.versions) if (record.bytes !== undefined) records.set(record.file, record);
  return (file) => records.get(file);
}

function copied(read: ReadRegistryFile, file: string): () => Promise<Uint8Array> {
  return async () => {
    const bytes = await read(file);
    if (bytes === undefined) {
      throw new RegistryError("IO_ERROR", `registry file vanished during the build: ${file}`, {
        details: { file },
      });
    }
    return bytes;
  };
}

/**
 * Every output file of the API and feeds, in a stable order, each plugin's in a group. Lazy:
 * manifests are read when written, except those `validated` holds: what was judged is published.
 */
export function* renderApi(
  model: BuildModel,
  read: ReadRegistryFile,
  validated?: ValidatedBytes,
): Generator<Output | OutputGroup> {
  yield { path: DISCOVERY_PATH, bytes: canonicalJson(model.discovery) };
  // Keyed like a plugin's documents: lists whose inputs did not change are not rendered again, and
  // those of a rebuild that kept plugins as published are patched where they changed (lists.ts).
  // registry.json by what it shows of each plugin (a digest of its entry).
  const lists = listsKey(model);
  const patch = model.plugins.some((p) => "published" in p && p.published === true);
  yield {
    path: PLUGIN_INDEX_PATH,
    key: lists,
    bytes: async () => canonicalJson(model.index),
    ...(patch ? { update: async (previous) => patchedIndex(model, asBuffer(previous)) } : {}),
  };
  yield {
    path: REGISTRY_JSON_PATH,
    key: registryKey(model),
    bytes: async () => canonicalJson(model.registry),
    ...(patch ? { update: async (previous) => patchedRegistry(model, asBuffer(previous)) } : {}),
  };
  yield { path: NOT_FOUND_PATH, bytes: canonicalJson(model.notFound) };
  if (model.trustedRootFile !== undefined) {
    yield { path: TRUSTED_ROOT_PATH, bytes: copied(read, model.trustedRootFile) };
  }
  for (const [i, file] of (model.additionalTrustedRootFiles ?? []).entries()) {
    yield { path: additionalTrustedRootPath(i), bytes: copied(read, file) };
  }
  yield {
    path: RELEASES_FEED_PATH,
    key: lists,
    bytes: async () =>
      atomFeed(model.releases, {
        baseUrl: model.base_url,
        selfPath: RELEASES_FEED_PATH,
        title: `${model.registry_name}: new plugin releases`,
        fallbackUpdated: model.generated_at,
      }),
  };
  for (const plugin of model.plugins) {
    // One group per plugin, keyed by its input key (see fingerprint.ts), which covers its
    // documents and its manifests (their hashes): an unchanged plugin is skipped whole by the
    // writer, and a plugin taken from the cache is loaded only when one of its documents must be
    // rendered. Its bundles are not covered (the key names them, not their bytes): they follow the
    // group as outputs of their own, compared with what was published on every build.
    yield {
      group: `plugins/${plugin.name}`,
      key: plugin.parts.key,
      outputs: () => pluginOutputs(model, plugin, read, validated),
    };
    for (const bundle of plugin.parts.bundles)
      yield { path: bundlePath(plugin.name, bundle.version), bytes: copied(read, bundle.file) };
  }
}

/** A plugin's documents and the copies of its manifests. */
function* pluginOutputs(
  model: BuildModel,
  plugin: BuildModel["plugins"][number],
  read: ReadRegistryFile,
  validated: ValidatedBytes | undefined,
): Generator<Output> {
  let loaded: Promise<PluginModel> | undefined;
  const full = (): Promise<PluginModel> => {
    loaded ??= "load" in plugin ? plugin.load() : Promise.resolve(plugin);
    return loaded;
  };
  // The document and the version index share their `versions`: sorted once for both.
  const json = sharedCanonicalJson();
  yield { path: pluginPath(plugin.name), bytes: async () => json((await full()).document) };
  yield { path: versionsPath(plugin.name), bytes: async () => json((await full()).versionIndex) };
  yield {
    path: pluginFeedPath(plugin.name),
    bytes: async () =>
      atomFeed((await full()).feed, {
        baseUrl: model.base_url,
        selfPath: pluginFeedPath(plugin.name),
        title: `${plugin.name} releases`,
        fallbackUpdated: model.generated_at,
      }),
  };
  for (const version of plugin.parts.versions) {
    // The bytes validated in this run when they are those the documents list (they carry their
    // hash: not hashed again); else the file, read when written and checked against the hash.
    const held = validated?.(version.file);
    yield {
      path: manifestPath(plugin.name, version.version),
      sha256: version.manifest_sha256,
      bytes:
        held?.bytes !== undefined && held.sha256 === version.manifest_sha256
          ? held.bytes
          : copied(read, version.file),
    };
  }
}

/** Every output of `items`, those of groups listed in place (for callers that want each file). */
export function* eachOutput(items: Iterable<Output | OutputGroup>): Generator<Output> {
  for (const item of items) {
    if ("group" in item) yield* item.outputs();
    else yield item;
  }
}
