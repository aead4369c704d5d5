/** Reads the generator's API documents from a folder into a {@link SiteModel}, at core's API paths. */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { DiscoveryDocument, PluginDocument, PluginIndexDocument } from "../../core/api/api.types.ts";
import { DISCOVERY_PATH, manifestPath, PLUGIN_INDEX_PATH, pluginPath } from "../../core/api/paths.ts";
import { loadJson } from "../../core/json/load-json.ts";
import type { Manifest } from "../../core/manifest.types.ts";
import { GENERATOR_RELEASES_FEED } from "./model.ts";
import type { SiteModel } from "./model.types.ts";

/** One document the generator wrote, through the safe JSON loader (size, depth, duplicate keys). */
async function read<T>(dir: string, path: string): Promise<T> {
  const loaded = loadJson(await readFile(join(dir, path)), { file: path, maxBytes: 64 * 1024 * 1024 });
  if (loaded.value === undefined) throw new Error(`${join(dir, path)}: ${loaded.findings[0]?.message}`);
  return loaded.value as T;
}

/**
 * Loads the model from `dir`, the folder holding `.well-known/` and `api/v1/`. Only documents the
 * generator wrote are read: the plugin index, each plugin document and each version's manifest.
 */
export async function loadModel(dir: string): Promise<SiteModel> {
  const discovery = await read<DiscoveryDocument>(dir, DISCOVERY_PATH);
  const index = await read<PluginIndexDocument>(dir, PLUGIN_INDEX_PATH);
  const plugins: PluginDocument[] = [];
  const manifests: Record<string, Record<string, Manifest>> = {};
  for (const summary of index.plugins) {
    const doc = await read<PluginDocument>(dir, pluginPath(summary.name));
    plugins.push(doc);
    const byVersion: Record<string, Manifest> = {};
    await Promise.all(
      doc.versions.map(async (v) => {
        byVersion[v.version] = await read<Manifest>(dir, manifestPath(summary.name, v.version));
      }),
    );
    manifests[summary.name] = byVersion;
  }
  const model: SiteModel = { discovery, index, plugins, manifests };
  if (existsSync(join(dir, GENERATOR_RELEASES_FEED))) model.releasesFeed = GENERATOR_RELEASES_FEED;
  return model;
}
