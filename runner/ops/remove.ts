import { cp, mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { removeContainer } from "../container/engine-install.ts";
import type { RunnerContext } from "../context.ts";
import { RunnerError } from "../errors.ts";
import { noteRemoved } from "../install/finfocus-config-fs.ts";
import { layoutFor } from "../install/layout.ts";
import { withLock } from "../install/lock.ts";
import { recoverAll, removeVersion } from "../install/place.ts";
import { preflight } from "../install/safe-dirs.ts";
import { readState } from "../install/state.ts";
import { stopRunning } from "../sandbox/running.ts";
import { configFile } from "./configure.ts";
import { assertName } from "./plugin-name.ts";

/** The spec's RemovePlugin. */
export interface RemoveRequest {
  name: string;
  /** Also delete the plugin's configuration. */
  cleanupData?: boolean;
  /** Remove even while other installed plugins depend on it. */
  force?: boolean;
  /** First copy the version folder and the configuration into `<backupDir>/<name>-<version>-<time>/`. */
  backupDir?: string;
}

export interface RemoveResult {
  removed_version: string;
  cleanup_paths: string[];
  /** Where the backup went, when one was asked for. */
  backup_path?: string;
  /** Processes of the plugin that this runner had started (`run`) and stopped before the removal. */
  stopped_pids: number[];
  /** Things left undone that the user should know about (e.g. the FinFocus config not edited). */
  warnings: string[];
}

/** Removes an installed plugin; refuses while another installed plugin needs it, unless forced. */
export async function remove(
  context: Pick<RunnerContext, "pluginDir" | "lockTimeoutMs" | "hooks" | "finfocusConfig" | "clock">,
  request: RemoveRequest,
): Promise<RemoveResult> {
  assertName(request.name);
  const layout = layoutFor(context.pluginDir);
  await preflight(layout, [request.name]);
  await recoverAll(layout);
  return withLock(layout, request.name, context.lockTimeoutMs, async () => {
    const state = await readState(layout);
    const plugin = state.plugins[request.name];
    if (!plugin)
      throw new RunnerError("NOT_INSTALLED", `${request.name} is not installed`, { name: request.name });
    const dependents = Object.values(state.plugins)
      .filter(
        (p) => p.name !== request.name && p.dependencies.some((d) => d.name === request.name && !d.optional),
      )
      .map((p) => `${p.name}@${p.version}`);
    if (dependents.length > 0 && !request.force) {
      throw new RunnerError(
        "PLUGIN_HAS_DEPENDENTS",
        `${request.name} is needed by ${dependents.join(", ")}: remove those first or pass --force`,
        { name: request.name, dependents },
      );
    }
    const backup = request.backupDir
      ? await backUp(request.backupDir, `${request.name}-${plugin.version}-${context.clock.now()}`, [
          plugin.path,
          configFile(layout, request.name),
        ])
      : undefined;
    // Its service first, if this runner started it (`run`): nothing runs from a removed folder.
    const stopped = await stopRunning(layout, request.name);
    // Its container, if an engine created one (stopped and removed; a failure removes nothing).
    if (plugin.container) await removeContainer(plugin.container);
    await removeVersion(layout, plugin, context.hooks, context.lockTimeoutMs);
    const cleanup = [plugin.path];
    if (request.cleanupData) {
      const file = configFile(layout, request.name);
      await rm(file, { force: true });
      cleanup.push(file);
    }
    const warnings = await noteRemoved(layout, context.finfocusConfig, request.name);
    return {
      removed_version: plugin.version,
      cleanup_paths: cleanup,
      ...(backup ? { backup_path: backup } : {}),
      stopped_pids: stopped,
      warnings,
    };
  });
}

/**
 * Copies what exists of `paths` (symbolic links as links, never followed) into a new folder
 * `<dir>/<label>`, whole or not at all: it is written as `<label>.partial` and renamed once
 * complete. A failure removes the partial copy and refuses the removal.
 */
async function backUp(dir: string, label: string, paths: string[]): Promise<string> {
  const target = join(dir, label);
  const partial = `${target}.partial`;
  try {
    await mkdir(partial, { recursive: true });
    for (const path of paths) {
      if (!(await stat(path).catch(() => undefined))) continue;
      const name = path.split("/").at(-1) ?? "item";
      await cp(path, join(partial, name), {
        recursive: true,
        verbatimSymlinks: true,
        errorOnExist: true,
        force: false,
      });
    }
    await rename(partial, target);
    return target;
  } catch (error) {
    await rm(partial, { recursive: true, force: true }).catch(() => undefined);
    throw new RunnerError(
      "IO_ERROR",
      `The backup into ${dir} failed, nothing was removed: ${(error as Error).message}`,
      {
        path: dir,
      },
    );
  }
}
