/**
 * The plugin folder as the FinFocus CLI sees it (`registry.ListPlugins`, `findBinary`,
 * `ListLatestPlugins`; docs/finfocus.md): every `<name>/<version>/` folder holding an executable,
 * whoever installed it, and the binary the CLI would launch from it.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import semver from "semver";
import { binaryCandidates } from "../../core/finfocus/cli-layout.ts";

/** One version folder the CLI would list. */
export interface PluginFolder {
  name: string;
  /** The folder's name, as the CLI reports the version (`v2.1.0`). */
  folder: string;
  path: string;
  /** The executable the CLI launches. */
  binary: string;
}

async function executableFile(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() === true && (info.mode & 0o111) !== 0;
}

async function regionOf(dir: string): Promise<string | undefined> {
  try {
    const meta = JSON.parse(await readFile(join(dir, "plugin.metadata.json"), "utf8")) as unknown;
    const region = (meta as Record<string, unknown> | null)?.region;
    return typeof region === "string" && region !== "" ? region : undefined;
  } catch {
    return undefined;
  }
}

/** The binary the CLI launches from version folder `dir` of plugin `name`, if any. */
export async function findPluginBinary(dir: string, name: string): Promise<string | undefined> {
  for (const candidate of binaryCandidates(name, await regionOf(dir))) {
    if (await executableFile(join(dir, candidate))) return join(dir, candidate);
  }
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries.map((e) => e.name).sort()) {
    if (await executableFile(join(dir, entry))) return join(dir, entry);
  }
  return undefined;
}

/** Every version folder with a binary, as the CLI lists them (plugin and folder names sorted). */
export async function scanPluginFolders(pluginDir: string): Promise<PluginFolder[]> {
  const out: PluginFolder[] = [];
  const names = await readdir(pluginDir, { withFileTypes: true }).catch(() => []);
  for (const name of names
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()) {
    const folders = await readdir(join(pluginDir, name), { withFileTypes: true }).catch(() => []);
    for (const folder of folders
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort()) {
      const path = join(pluginDir, name, folder);
      const binary = await findPluginBinary(path, name);
      if (binary) out.push({ name, folder, path, binary });
    }
  }
  return out;
}

/** A folder name as the CLI's semver library reads it (`v1.2.3` and `1.2.3` alike), or null. */
export function folderVersion(folder: string): string | null {
  return semver.valid(semver.clean(folder, { loose: true }) ?? "", { loose: true });
}

/** The folder the CLI launches for `name`: its highest version among folders with a binary. */
export async function latestPluginFolder(pluginDir: string, name: string): Promise<PluginFolder | undefined> {
  const mine = (await scanPluginFolders(pluginDir)).filter((p) => p.name === name && folderVersion(p.folder));
  return mine.sort((a, b) => semver.compare(folderVersion(a.folder)!, folderVersion(b.folder)!)).at(-1);
}
