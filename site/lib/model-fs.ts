/** Reads the generator's API documents from a folder into a {@link SiteModel}. */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { DiscoveryDocument, PluginDocument, PluginIndexDocument } from "../../core/api/api.types.ts";
import type { Manifest } from "../../core/manifest.types.ts";
import { GENERATOR_RELEASES_FEED } from "./model.ts";
import type { SiteModel } from "./model.types.ts";

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, "utf8")) as T;
}

/**
 * Loads the model from `dir`, the folder holding `.well-known/` and `api/v1/`. Only documents the
 * generator wrote are read: the plugin index, each plugin document and each version's manifest.
 */
export async function loadModel(dir: string): Promise<SiteModel> {
  const apiRoot = existsSync(join(dir, "api", "v1")) ? join(dir, "api", "v1") : dir;
  const discovery = await readJson<DiscoveryDocument>(join(dir, ".well-known", "finfocus-registry.json"));
  const index = await readJson<PluginIndexDocument>(join(apiRoot, "plugins", "index.json"));
  const plugins: PluginDocument[] = [];
  const manifests: Record<string, Record<string, Manifest>> = {};
  for (const summary of index.plugins) {
    const base = join(apiRoot, "plugins", summary.name);
    const doc = await readJson<PluginDocument>(join(base, "index.json"));
    plugins.push(doc);
    const byVersion: Record<string, Manifest> = {};
    await Promise.all(
      doc.versions.map(async (v) => {
        byVersion[v.version] = await readJson<Manifest>(join(base, "versions", v.version, "manifest.json"));
      }),
    );
    manifests[summary.name] = byVersion;
  }
  const model: SiteModel = { discovery, index, plugins, manifests };
  if (existsSync(join(dir, GENERATOR_RELEASES_FEED))) model.releasesFeed = GENERATOR_RELEASES_FEED;
  return model;
}
