import { existsSync } from "node:fs";
import { lstat, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { CONFIG_FILE, PLUGINS_DIR } from "../../core/registry/layout.ts";
import {
  createManifestSetSource,
  type LocatedManifest,
  type ManifestSetOptions,
} from "./manifest-set-source.ts";
import { createRegistryFolderSource } from "./registry-folder-source.ts";
import type { MetadataSource, SourceKind } from "./source.types.ts";

const NAMES = new Set(["plugin.json", "manifest.json", "plugin.manifest.json"]);
const MAX_MANIFEST_BYTES = 1024 * 1024;

/**
 * Finds manifest files (plugin.json, manifest.json, plugin.manifest.json) under a folder,
 * iteratively (no recursion on the folder's depth, which is capped at 16) and without following
 * symbolic links. The bytes are judged later, by core.
 */
export async function scanManifests(dir: string, recursive: boolean): Promise<LocatedManifest[]> {
  const found: LocatedManifest[] = [];
  const stack: { path: string; depth: number }[] = [{ path: dir, depth: 0 }];
  while (stack.length > 0) {
    const { path: folder, depth } = stack.pop()!;
    const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? 1 : a.name > b.name ? -1 : 0,
    );
    const files: LocatedManifest[] = [];
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory() && recursive && depth < 16 && !entry.name.startsWith(".")) {
        stack.push({ path, depth: depth + 1 });
      } else if (entry.isFile() && NAMES.has(entry.name)) {
        if ((await lstat(path)).size > MAX_MANIFEST_BYTES) continue;
        files.push({ bytes: await readFile(path), location: path });
      }
    }
    found.push(...files.reverse());
  }
  return found;
}

/**
 * The `filesystem` discovery source: a registry folder (config.json and plugins/) is read as that
 * registry, judged as the gate judges it (registry-folder-source.ts); any other folder holds loose
 * manifests, which count as untrusted.
 */
export function createFilesystemSource(
  dir: string,
  options: ManifestSetOptions & { recursive?: boolean; kind?: SourceKind } = {},
): MetadataSource {
  if (!options.kind && existsSync(join(dir, CONFIG_FILE)) && existsSync(join(dir, PLUGINS_DIR))) {
    return createRegistryFolderSource(dir, options);
  }
  return createManifestSetSource(
    options.kind ?? "filesystem",
    dir,
    () => scanManifests(dir, options.recursive ?? true),
    options,
  );
}
