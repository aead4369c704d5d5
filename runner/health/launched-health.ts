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
  const checked_at = new Date().toISOString();
  const started = performance.now();
  let plugin: Awaited<ReturnType<typeof launchPlugin>>;
  try {
    plugin = await launchPlugin(folder.binary, {
      ...(request.launchTimeoutMs !== undefined ? { timeoutMs: request.launchTimeoutMs } : {}),
    });
  } catch (error) {
    return {
      target: request.name,
      address: "",
      status: "Critical",
      healthy: false,
      response_time_ms: Math.round(performance.now() - started),
      checked_at,
      error: (error as Error).message,
      launched: { folder: folder.path, binary: folder.binary, args: ["--port=<free port>"] },
    };
  }
  try {
    const result = await checkHealth({
      target: plugin.address,
      ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
      ...(request.slowMs !== undefined ? { slowMs: request.slowMs } : {}),
    });
    return {
      ...result,
      target: request.name,
      launched: { folder: folder.path, binary: plugin.binary, args: plugin.args, port: plugin.port },
    };
  } finally {
    await plugin.stop();
  }
}
