import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  CLI_MANIFEST_FILE,
  cliPluginManifest,
  REGISTRY_MANIFEST_FILE,
} from "../../core/finfocus/cli-plugin-manifest.ts";
import type { Manifest } from "../../core/manifest.types.ts";
import type { InstalledPlugin } from "./state.types.ts";

/**
 * Writes the two manifests of a staged version folder: the verified registry manifest under
 * REGISTRY_MANIFEST_FILE (what health and config read back), and the FinFocus CLI's flat
 * `plugin.manifest.json`, which `finfocus plugin validate` checks against the folder. Files of
 * either name that the archive brought are replaced (I3): only verified data lands there.
 */
export async function writeInstalledManifests(
  dir: string,
  manifest: Manifest,
  extra: Record<string, string>,
): Promise<void> {
  const files: [string, unknown][] = [
    [REGISTRY_MANIFEST_FILE, manifest],
    [CLI_MANIFEST_FILE, cliPluginManifest(manifest, extra)],
  ];
  for (const [name, value] of files) {
    await rm(join(dir, name), { force: true, recursive: true });
    await writeFile(join(dir, name), `${JSON.stringify(value, null, 2)}\n`, { flag: "wx", mode: 0o644 });
  }
}

/**
 * Reads an installed plugin's registry manifest back (health, config). Versions installed before
 * the FinFocus CLI's format was written kept it as `plugin.manifest.json`: read that then.
 */
export async function installedManifest(plugin: InstalledPlugin): Promise<Manifest> {
  try {
    return JSON.parse(await readFile(join(plugin.path, REGISTRY_MANIFEST_FILE), "utf8")) as Manifest;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    const legacy = JSON.parse(await readFile(join(plugin.path, CLI_MANIFEST_FILE), "utf8")) as Manifest;
    if (typeof legacy?.metadata?.name !== "string") throw error;
    return legacy;
  }
}
