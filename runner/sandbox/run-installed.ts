import { realpathSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { decideEnforcement } from "../../core/permissions/enforcement.ts";
import type { Enforcement, SandboxSupport } from "../../core/permissions/sandbox-policy.types.ts";
import { RunnerError } from "../errors.ts";
import { layoutFor } from "../install/layout.ts";
import { readState } from "../install/state.ts";
import type { InstalledPlugin } from "../install/state.types.ts";
import { assertUnmodified } from "../install/unmodified.ts";
import { assertName } from "../ops/plugin-name.ts";
import { dataDirFor, grantOf } from "./grant.ts";
import { type SandboxedProcess, startSandboxed } from "./launch.ts";
import { realBinary } from "./launcher.ts";
import { probeSandbox } from "./probe.ts";
import { recordRunning } from "./running.ts";

export { dataDirFor, grantOf } from "./grant.ts";

export interface RunRequest {
  name: string;
  pluginDir: string;
  /** The plugin's arguments (the FinFocus host passes `--port=N`). */
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Refuse to run without a sandbox (the user's `require_sandbox` policy). */
  requireSandbox?: boolean;
  /** Run without the sandbox (refused when the plugin requires one). */
  noSandbox?: boolean;
  stdio?: "inherit" | "pipe";
  /** Executables outside /usr the plugin needs to see (an interpreter), read-only. */
  runtime?: string[];
  /** Where the one-line warning of an unsandboxed start goes. */
  warn?: (line: string) => void;
  /** The machine's support (default: probed once per process). */
  support?: SandboxSupport;
}

/** The port the host gave the plugin: `--port=N` among its arguments, else FINFOCUS_PLUGIN_PORT. */
export function hostPort(args: readonly string[], env: NodeJS.ProcessEnv): number | undefined {
  const arg = args.find((a) => /^--port=\d{1,5}$/.test(a));
  const text = arg ? arg.slice("--port=".length) : env.FINFOCUS_PLUGIN_PORT;
  const port = Number(text);
  return text && Number.isInteger(port) && port > 0 && port <= 65535 ? port : undefined;
}

/** Starts the installed plugin `name`; throws NOT_INSTALLED, PLUGIN_MODIFIED or SANDBOX_UNAVAILABLE. */
export async function runInstalled(
  request: RunRequest,
): Promise<SandboxedProcess & { enforcement: Enforcement; plugin: InstalledPlugin }> {
  assertName(request.name);
  const layout = layoutFor(request.pluginDir);
  const plugin = (await readState(layout)).plugins[request.name];
  if (!plugin) {
    throw new RunnerError("NOT_INSTALLED", `${request.name} is not installed in ${request.pluginDir}`, {
      name: request.name,
    });
  }
  const binary = await realBinary(plugin);
  if (!binary) {
    throw new RunnerError(
      "NOT_INSTALLED",
      `${plugin.path} holds no executable for ${plugin.name}; reinstall it`,
      {
        name: plugin.name,
        file: plugin.path,
      },
    );
  }
  await assertUnmodified(plugin, binary);
  const support = request.support ?? probeSandbox(request.env ?? process.env);
  const enforcement = decideEnforcement(await grantOf(plugin), support, {
    ...(request.requireSandbox ? { require_sandbox: true } : {}),
    ...(request.noSandbox ? { disable_sandbox: true } : {}),
  });
  if (enforcement.mode === "refuse") {
    throw new RunnerError("SANDBOX_UNAVAILABLE", enforcement.message, {
      name: plugin.name,
      reason: enforcement.reason,
      missing: enforcement.missing,
    });
  }
  if (enforcement.mode === "plain") request.warn?.(enforcement.warning);
  const dataDir = dataDirFor(layout, plugin.name);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const env = request.env ?? process.env;
  const port = hostPort(request.args, env);
  const started = await startSandboxed({
    command: binary,
    args: request.args,
    enforcement,
    support,
    paths: {
      pluginPath: plugin.path,
      dataDir,
      configFile: join(layout.configs, `${plugin.name}.json`),
      // The Node that runs this CLI, read-only: the port relay needs it, and so do Node plugins.
      runtime: [realpathSync(process.execPath), ...(request.runtime ?? [])],
    },
    env,
    ...(port !== undefined ? { port } : {}),
    ...(request.stdio ? { stdio: request.stdio } : {}),
  });
  // Recorded while it runs, so `remove` can stop it (runner/sandbox/running.ts).
  const pid = started.child.pid;
  if (pid !== undefined) {
    const record = await recordRunning(layout, plugin.name, plugin.version, pid);
    started.exited.finally(() => rm(record, { force: true })).catch(() => undefined);
  }
  return { ...started, enforcement, plugin };
}
