import { RunnerError } from "../errors.ts";
import { latestPluginFolder } from "../install/finfocus-layout.ts";
import { checkHealth, type HealthResult } from "./health.ts";
import { launchPlugin } from "./launch.ts";

export interface LaunchedHealthRequest {
  /** An installed plugin's name: by this runner or by the FinFocus CLI's installer. */
  name: string;
  pluginDir: string;
  /** How long the plugin may take to start listening. Default 30 s. */
  launchTimeoutMs?: number;
  timeoutMs?: number;
  slowMs?: number;
}

export interface LaunchedHealthResult extends HealthResult {
  /** What was started: the version folder and binary the FinFocus CLI would pick, and how. */
  launched: { folder: string; binary: string; args: string[]; port?: number };
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
  return checkFolderHealth(request.name, folder.path, folder.binary, request);
}

/**
 * Starts `binary` (of the version folder `folder`) as the FinFocus CLI would, probes it like
 * `checkHealth` and stops it: `checkLaunchedHealth`, and the check of a staged version before an
 * install or update commits (runner/ops/install.ts).
 */
export async function checkFolderHealth(
  name: string,
  folder: string,
  binary: string,
  options: Pick<LaunchedHealthRequest, "launchTimeoutMs" | "timeoutMs" | "slowMs">,
): Promise<LaunchedHealthResult> {
  const checked_at = new Date().toISOString();
  const started = performance.now();
  let plugin: Awaited<ReturnType<typeof launchPlugin>>;
  try {
    plugin = await launchPlugin(binary, {
      ...(options.launchTimeoutMs !== undefined ? { timeoutMs: options.launchTimeoutMs } : {}),
    });
  } catch (error) {
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
      launched: { folder, binary: plugin.binary, args: plugin.args, port: plugin.port },
    };
  } finally {
    await plugin.stop();
  }
}
