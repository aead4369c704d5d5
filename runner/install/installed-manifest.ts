import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Manifest } from "../../core/manifest.types.ts";
import { MANIFEST_FILE_NAME } from "./layout.ts";
import type { InstalledPlugin } from "./state.types.ts";

/** Reads an installed plugin's manifest back from `<path>/plugin.manifest.json` (health, config). */
export async function installedManifest(plugin: InstalledPlugin): Promise<Manifest> {
  return JSON.parse(await readFile(join(plugin.path, MANIFEST_FILE_NAME), "utf8")) as Manifest;
}
