import { existsSync, watch } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { RegistryError } from "../../core/errors.ts";
import { readLocalFile } from "../../core/json/local-file.ts";
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
 * Finds manifest files (plugin.json, manifest.json, plugin.manifest.json, or only the source's
 * `manifest_filename`) under a folder, iteratively (no recursion on the folder's depth, which is
 * capped at 16) and without following symbolic links. The bytes are judged later, by core.
 */
export async function scanManifests(
  dir: string,
  recursive: boolean,
  manifestFilename?: string,
): Promise<LocatedManifest[]> {
  const names = manifestFilename ? new Set([manifestFilename]) : NAMES;
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
      } else if (entry.isFile() && names.has(entry.name)) {
        // Read as a regular file, never through a link, within the limit: one over the limit, or
        // one gone or swapped for a pipe or a link since the listing, is left out.
        const bytes = await readLocalFile(path, "manifest", MAX_MANIFEST_BYTES, { followLinks: false }).catch(
          (error: unknown) => {
            if (error instanceof RegistryError && error.details.reason !== "unreadable") return undefined;
            throw error;
          },
        );
        if (bytes) files.push({ bytes, location: path });
      }
    }
    found.push(...files.reverse());
  }
  return found;
}

export interface FilesystemSourceOptions extends ManifestSetOptions {
  recursive?: boolean;
  kind?: SourceKind;
  /** Look only for files of this name (the spec's `manifest_filename`). */
  manifestFilename?: string;
  /** Read the folder again after it changes (the spec's `watch_changes`); otherwise it is read once. */
  watchChanges?: boolean;
}

/**
 * The `filesystem` discovery source: a registry folder (config.json and plugins/) is read as that
 * registry, judged as the gate judges it (registry-folder-source.ts); any other folder holds loose
 * manifests, which count as untrusted (or the configured default_security_level).
 */
export function createFilesystemSource(dir: string, options: FilesystemSourceOptions = {}): MetadataSource {
  if (!options.kind && existsSync(join(dir, CONFIG_FILE)) && existsSync(join(dir, PLUGINS_DIR))) {
    return createRegistryFolderSource(dir, options);
  }
  const recursive = options.recursive ?? true;
  return createManifestSetSource(
    options.kind ?? "filesystem",
    dir,
    () => scanManifests(dir, recursive, options.manifestFilename),
    { ...options, ...(options.watchChanges ? { stale: watchFolder(dir, recursive) } : {}) },
  );
}

/**
 * A change flag for a folder: true once anything below it changed since the last call. The
 * watcher never keeps the process alive; a folder that cannot be watched counts as always changed.
 */
function watchFolder(dir: string, recursive: boolean): () => boolean {
  let changed = true;
  try {
    watch(dir, { recursive, persistent: false }, () => {
      changed = true;
    }).on("error", () => {
      changed = true;
    });
  } catch {
    return () => true;
  }
  return () => {
    const was = changed;
    changed = false;
    return was;
  };
}
