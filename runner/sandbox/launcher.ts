/**
 * The launcher at the path the FinFocus CLI executes (`<name>/v<version>/finfocus-plugin-<name>`):
 * a small shell script that starts the plugin through `finfocus-registry run`, so a plugin started
 * by the unmodified FinFocus CLI runs inside the same sandbox. The real executable is kept beside it
 * (REAL_PREFIX + its name) and checked against its install-time digest at every start; both files'
 * digests are recorded in the state, so `list --verify` checks both.
 */
import { createHash } from "node:crypto";
import { readFile, rename, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { RunnerError } from "../errors.ts";
import { writeFileAtomic } from "../install/atomic-file.ts";
import { findPluginBinary } from "../install/finfocus-layout.ts";
import { layoutFor } from "../install/layout.ts";
import { readState, updateState } from "../install/state.ts";
import type { InstalledPlugin } from "../install/state.types.ts";
import { assertName } from "../ops/plugin-name.ts";

/** The real executable's name beside the launcher: `.sandboxed-finfocus-plugin-<name>`. */
export const REAL_PREFIX = ".sandboxed-";
const MARK = "# finfocus-registry sandbox launcher";

const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");
const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** How the launcher starts `finfocus-registry`: a Node executable and the CLI's entry script. */
export interface CliEntry {
  node: string;
  cli: string;
}

/** The launcher script for `plugin`: `<node> <cli> run <name> --plugin-dir <dir> -- <the caller's arguments>`. */
export function launcherScript(plugin: InstalledPlugin, pluginDir: string, entry: CliEntry): string {
  const command = [entry.node, entry.cli, "run", plugin.name, "--plugin-dir", pluginDir];
  return `#!/bin/sh\n${MARK}: starts ${plugin.name} v${plugin.version} inside its sandbox (docs/sandbox.md)\nexec ${command.map(quote).join(" ")} -- "$@"\n`;
}

/** The executable `run` starts: the real one kept beside a launcher, else the one FinFocus would pick. */
export async function realBinary(plugin: InstalledPlugin): Promise<string | undefined> {
  const binary = await findPluginBinary(plugin.path, plugin.name);
  if (!binary) return undefined;
  const kept = join(plugin.path, `${REAL_PREFIX}${basename(binary)}`);
  const info = await stat(kept).catch(() => undefined);
  return info?.isFile() ? kept : binary;
}

export interface LauncherResult {
  name: string;
  version: string;
  launcher: string;
  binary: string;
  /** False when the launcher was already there (it is rewritten: paths may have moved). */
  created: boolean;
}

/**
 * Puts the launcher in place of an installed plugin's executable. The executable must still have
 * the digest recorded at install (PLUGIN_MODIFIED otherwise): a changed file is never wrapped.
 */
export async function installLauncher(
  pluginDir: string,
  name: string,
  cli: CliEntry,
): Promise<LauncherResult> {
  assertName(name);
  const layout = layoutFor(pluginDir);
  const plugin = (await readState(layout)).plugins[name];
  if (!plugin) throw new RunnerError("NOT_INSTALLED", `${name} is not installed`, { name });
  const entry = await findPluginBinary(plugin.path, plugin.name);
  const real = await realBinary(plugin);
  if (!entry || !real) {
    throw new RunnerError("NOT_INSTALLED", `${plugin.path} holds no executable for ${name}; reinstall it`, {
      name,
    });
  }
  const realName = `${REAL_PREFIX}${basename(entry)}`;
  const created = real === entry;
  const recorded = plugin.files?.[created ? basename(entry) : realName];
  const digest = sha256(await readFile(real));
  if (recorded !== undefined && recorded !== digest) {
    throw new RunnerError("PLUGIN_MODIFIED", `${real} changed since it was installed; reinstall ${name}`, {
      name,
      file: real,
    });
  }
  const script = launcherScript(plugin, pluginDir, cli);
  if (created) await rename(entry, join(plugin.path, realName));
  await writeFileAtomic(entry, script, 0o755);
  await updateState(layout, (state) => {
    const current = state.plugins[name];
    if (!current) return;
    current.files = { ...current.files, [realName]: digest, [basename(entry)]: sha256(script) };
  });
  return { name, version: plugin.version, launcher: entry, binary: join(plugin.path, realName), created };
}
