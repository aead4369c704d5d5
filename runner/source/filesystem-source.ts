import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Manifest } from "../../core/manifest.types.ts";
import { parseUntrustedJson } from "../core-link.ts";
import type { SecurityPolicy } from "../policy.ts";
import { createManifestSetSource, type LocatedManifest } from "./manifest-set-source.ts";
import type { MetadataSource, SourceKind } from "./source.types.ts";

const NAMES = new Set(["plugin.json", "manifest.json", "plugin.manifest.json"]);

/** Finds manifests (plugin.json, manifest.json, plugin.manifest.json) under a folder. */
export async function scanManifests(dir: string, recursive: boolean, depth = 0): Promise<LocatedManifest[]> {
  const found: LocatedManifest[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && recursive && depth < 16 && !entry.name.startsWith(".")) {
      found.push(...(await scanManifests(path, recursive, depth + 1)));
    } else if (entry.isFile() && NAMES.has(entry.name)) {
      if ((await stat(path)).size > 1024 * 1024) continue;
      try {
        const manifest = parseUntrustedJson(await readFile(path), path, 1024 * 1024) as Manifest;
        if (manifest && typeof manifest === "object" && manifest.metadata)
          found.push({ manifest, location: path });
      } catch {
        // Not a manifest: a folder may hold other JSON files of those names.
      }
    }
  }
  return found;
}

/** The `filesystem` discovery source. */
export function createFilesystemSource(
  dir: string,
  options: { recursive?: boolean; priority?: number; policy?: SecurityPolicy; kind?: SourceKind } = {},
): MetadataSource {
  return createManifestSetSource(
    options.kind ?? "filesystem",
    dir,
    () => scanManifests(dir, options.recursive ?? true),
    options,
  );
}
