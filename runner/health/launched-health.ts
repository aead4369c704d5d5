import type { PluginGrant, SandboxSupport } from "../../core/permissions/sandbox-policy.types.ts";
import { RunnerError } from "../errors.ts";
import { latestPluginFolder } from "../install/finfocus-layout.ts";
import { layoutFor } from "../install/layout.ts";
import { readState } from "../install/state.ts";
import { assertUnmodified } from "../install/unmodified.ts";
import { grantOf } from "../sandbox/grant.ts";
import { realBinary } from "../sandbox/launcher.ts";
import { checkHealth, type HealthResult } from "./health.ts";
import { type HealthLaunch, launchForHealth } from "./sandboxed-launch.ts";

export interface LaunchedHealthRequest {
  /** An installed plugin's name: by this runner or by the FinFocus CLI's installer. */
  name: string;
  pluginDir: string;
  /** How long the plugin may take to start listening. Default 30 s. */
  launchTimeoutMs?: number;
  timeoutMs?: number;
  slowMs?: number;
  /** The machine's sandbox support (default: probed once per process). */
  support?: SandboxSupport;
  /** Start it without the sandbox, as `run --no-sandbox` (still refused for `sandbox_required`). */
  noSandbox?: boolean;
}

export interface LaunchedHealthResult extends HealthResult {
  /**
   * What was started: the version folder and binary the FinFocus CLI would pick, and how;
   * `sandbox` says whether it ran inside bubblewrap or, where core allowed it, without a sandbox.
   */
  launched: {
    folder: string;
    binary: string;
    args: string[];
    port?: number;
    sandbox?: "bubblewrap" | "none";
  };
  /** Why it ran without a sandbox (its permissions were not enforced), when it did. */
  warning?: string;
}

/**
 * The grant of a plugin found in the plugin folder: its state entry's when this runner installed
 * that folder; else nothing approved (an untrusted plugin without permissions: the tightest sandbox).
 */
async function folderGrant(
  pluginDir: string,
  name: string,
  folder: string,
): Promise<{ grant: PluginGrant; binary?: string }> {
  const plugin = (await readState(layoutFor(pluginDir))).plugins[name];
  if (plugin && plugin.path === folder) {
    const binary = await realBinary(plugin);
    // The same check as `run`: an executable changed since its install is not started.
    if (binary) await assertUnmodified(plugin, binary);
    return { grant: await grantOf(plugin), ...(binary ? { binary } : {}) };
  }
  return { grant: { name, permissions: [], security_level: "untrusted" } };
}

/**
 * Health of an installed plugin that is not running: starts it exactly as the FinFocus CLI would
 * (its latest version folder, its binary, `--port=N`, `FINFOCUS_PLUGIN_PORT`), probes it like
 * `checkHealth`, and stops it. A plugin that cannot start is Critical, with its output.
 */
export async function checkLaunchedHealth(request: LaunchedHealthRequest): Promise<LaunchedHealthResult> {
  const folder = await latestPluginFolder(request.pluginDir, request.name);
  if (!folder) {
    throw new RunnerError("NOT_INSTALLED", `${request.name} has no version folder with an executable`, {
      name: request.name,
    });
  }
  const { grant, binary } = await folderGrant(request.pluginDir, request.name, folder.path);
  return checkFolderHealth(grant, folder.path, binary ?? folder.binary, request);
}

/**
 * Starts `binary` (of the version folder `folder`) as the FinFocus CLI would, inside the sandbox
 * its `grant` allows (runner/health/sandboxed-launch.ts), probes it like `checkHealth` and stops
 * it: `checkLaunchedHealth`, and the check of a staged version before an install or update commits
 * (runner/ops/check-staged.ts). Throws SANDBOX_UNAVAILABLE when core refuses to start it.
 */
export async function checkFolderHealth(
  grant: PluginGrant,
  folder: string,
  binary: string,
  options: Pick<
    LaunchedHealthRequest,
    "launchTimeoutMs" | "timeoutMs" | "slowMs" | "support" | "pluginDir" | "noSandbox"
  >,
): Promise<LaunchedHealthResult> {
  const name = grant.name;
  const checked_at = new Date().toISOString();
  const started = performance.now();
  let plugin: HealthLaunch;
  try {
    plugin = await launchForHealth({
      grant,
      folder,
      binary,
      pluginDir: options.pluginDir,
      ...(options.launchTimeoutMs !== undefined ? { timeoutMs: options.launchTimeoutMs } : {}),
      ...(options.support ? { support: options.support } : {}),
      ...(options.noSandbox ? { noSandbox: true } : {}),
    });
  } catch (error) {
    if (error instanceof RunnerError) throw error;
    return {
      target: name,
      address: "",
      status: "Critical",
      healthy: false,
      response_time_ms: Math.round(performance.now() - started),
      checked_at,
      error: (error as Error).message,
      launched: { folder, binary, args: ["--port=<free port>"] },
    };
  }
  try {
    const result = await checkHealth({
      target: plugin.address,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.slowMs !== undefined ? { slowMs: options.slowMs } : {}),
    });
    return {
      ...result,
      target: name,
      launched: {
        folder,
        binary: plugin.binary,
        args: plugin.args,
        port: plugin.port,
        sandbox: plugin.sandbox,
      },
      ...(plugin.warning ? { warning: plugin.warning } : {}),
    };
  } finally {
    await plugin.stop();
  }
}
