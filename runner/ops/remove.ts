import { rm } from "node:fs/promises";
import type { RunnerContext } from "../context.ts";
import { RunnerError } from "../errors.ts";
import { noteRemoved } from "../install/finfocus-config-fs.ts";
import { layoutFor } from "../install/layout.ts";
import { withLock } from "../install/lock.ts";
import { recoverAll, removeVersion } from "../install/place.ts";
import { readState } from "../install/state.ts";
import { configFile } from "./configure.ts";
import { assertName } from "./install.ts";

/** The spec's RemovePlugin. */
export interface RemoveRequest {
  name: string;
  /** Also delete the plugin's configuration. */
  cleanupData?: boolean;
  /** Remove even while other installed plugins depend on it. */
  force?: boolean;
}

export interface RemoveResult {
  removed_version: string;
  cleanup_paths: string[];
  /** Things left undone that the user should know about (e.g. the FinFocus config not edited). */
  warnings: string[];
}

/** Removes an installed plugin; refuses while another installed plugin needs it, unless forced. */
export async function remove(
  context: Pick<RunnerContext, "pluginDir" | "lockTimeoutMs" | "hooks" | "finfocusConfig">,
  request: RemoveRequest,
): Promise<RemoveResult> {
  assertName(request.name);
  const layout = layoutFor(context.pluginDir);
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
    await removeVersion(layout, plugin, context.hooks, context.lockTimeoutMs);
    const cleanup = [plugin.path];
    if (request.cleanupData) {
      const file = configFile(layout, request.name);
      await rm(file, { force: true });
      cleanup.push(file);
    }
    const warnings = await noteRemoved(layout, context.finfocusConfig, request.name);
    return { removed_version: plugin.version, cleanup_paths: cleanup, warnings };
  });
}
