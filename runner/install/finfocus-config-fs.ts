/**
 * Keeps `installed_plugins` of the FinFocus CLI's config file in step with what the runner
 * installs, updates and removes, so `finfocus plugin update NAME` and `plugin remove NAME` know
 * the plugin. Each change is a read-modify-write under the runner's lock, written atomically
 * (temp file, fsync, rename) with the file's own mode (0600 for a new file, as the CLI writes it).
 */
import { mkdir, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { RegistryError } from "../../core/errors.ts";
import { type CliInstalledPlugin, cliPluginUrl } from "../../core/finfocus/cli-layout.ts";
import { versionFolderName } from "../../core/finfocus/cli-plugin-manifest.ts";
import { CLI_REPOSITORY } from "../../core/finfocus/cli-registry-entry.ts";
import { readLocalFile } from "../../core/json/local-file.ts";
import { writeFileAtomic } from "./atomic-file.ts";
import { installedPlugins, withInstalledPlugin, withoutInstalledPlugin } from "./finfocus-config.ts";
import type { Layout } from "./layout.ts";
import { withLock } from "./lock.ts";

/**
 * The FinFocus config that goes with a plugin folder: `explicit` when given (false: none), else
 * `<home>/config.yaml` when the folder is `<home>/plugins` (the CLI's `~/.finfocus/plugins` and
 * `~/.finfocus/config.yaml`), else none: a folder outside that layout is not one the CLI reads.
 */
export function finfocusConfigPath(pluginDir: string, explicit?: string | false): string | undefined {
  if (explicit === false) return undefined;
  if (explicit !== undefined) return explicit;
  return basename(pluginDir) === "plugins" ? join(dirname(pluginDir), "config.yaml") : undefined;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

async function readText(file: string): Promise<string> {
  try {
    const bytes = await readLocalFile(file, "FinFocus config", 1024 * 1024);
    try {
      // Decoded strictly: a file that is not UTF-8 is never rewritten with U+FFFD in its place.
      return UTF8.decode(bytes);
    } catch {
      throw new RegistryError("CONFIG_VALUE_INVALID", `${file} is not UTF-8 text: it is left as it is`, {
        details: { file },
      });
    }
  } catch (error) {
    if (error instanceof RegistryError && error.details.reason === "missing") return "";
    throw error;
  }
}

/** The config's `installed_plugins` (empty when the file does not exist). */
export async function loadInstalledPlugins(file: string): Promise<CliInstalledPlugin[]> {
  return installedPlugins(await readText(file));
}

async function edit(layout: Layout, file: string, change: (text: string) => string): Promise<void> {
  await mkdir(layout.home, { recursive: true, mode: 0o755 });
  await withLock(layout, ".finfocus-config", undefined, async () => {
    const text = await readText(file);
    const next = change(text);
    if (next === text) return;
    const mode = await stat(file).then(
      (s) => s.mode & 0o777,
      () => 0o600,
    );
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(file, next, mode);
  });
}

/** Records `plugin` (name, GitHub url, version folder) in the config's `installed_plugins`. */
export function recordInstalled(layout: Layout, file: string, plugin: CliInstalledPlugin): Promise<void> {
  return edit(layout, file, (text) => withInstalledPlugin(text, plugin));
}

/** Drops `name` from the config's `installed_plugins`. */
export function forgetInstalled(layout: Layout, file: string, name: string): Promise<void> {
  return edit(layout, file, (text) => withoutInstalledPlugin(text, name));
}

/**
 * The config's side of an install or update of `name` at `version` (folder `v<version>`), never
 * fatal, like the CLI's own: a config that cannot be edited comes back as a warning.
 */
export async function noteInstalled(
  layout: Layout,
  file: string | undefined,
  plugin: { name: string; version: string; repository: string | undefined },
): Promise<string[]> {
  if (!file) return [];
  const repository =
    plugin.repository && CLI_REPOSITORY.test(plugin.repository) ? plugin.repository : undefined;
  const entry = {
    name: plugin.name,
    url: cliPluginUrl(repository),
    version: versionFolderName(plugin.version),
  };
  return recordInstalled(layout, file, entry).then(
    () => [],
    (error: unknown) => [
      `${file}: installed_plugins not updated for ${plugin.name}: ${(error as Error).message}`,
    ],
  );
}

/** The config's side of a removal; a warning when the config cannot be edited. */
export async function noteRemoved(layout: Layout, file: string | undefined, name: string): Promise<string[]> {
  if (!file) return [];
  return forgetInstalled(layout, file, name).then(
    () => [],
    (error: unknown) => [`${file}: installed_plugins still lists ${name}: ${(error as Error).message}`],
  );
}
