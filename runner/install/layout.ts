import { join } from "node:path";
import { isPluginName } from "../../core/registry/layout.ts";

/**
 * Where everything lives under the plugin folder. The FinFocus CLI reads
 * `<pluginDir>/<name>/v<version>/`; the runner's own bookkeeping sits in one dot-folder beside
 * the plugins (same filesystem, so staged folders are renamed into place atomically).
 */
export interface Layout {
  pluginDir: string;
  /** `<pluginDir>/.finfocus-registry` */
  home: string;
  stateFile: string;
  locks: string;
  staging: string;
  journal: string;
  backups: string;
  configs: string;
}

export const STATE_FILE_NAME = "state.json";

export function layoutFor(pluginDir: string): Layout {
  const home = join(pluginDir, ".finfocus-registry");
  return {
    pluginDir,
    home,
    stateFile: join(home, STATE_FILE_NAME),
    locks: join(home, "locks"),
    staging: join(home, "staging"),
    journal: join(home, "journal"),
    backups: join(home, "backups"),
    configs: join(home, "config"),
  };
}

/** `<pluginDir>/<name>/v<version>` */
export function versionDir(layout: Layout, name: string, version: string): string {
  return join(layout.pluginDir, name, `v${version}`);
}

/** Plugin names as the manifest schema allows them (core's one rule): never a path. */
export function assertPluginName(name: string): void {
  if (!isPluginName(name)) {
    throw new Error(`not a plugin name: ${JSON.stringify(name)}`);
  }
}
