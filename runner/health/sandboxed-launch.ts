/**
 * The health check's start of a plugin, under the same decision as `run`
 * (core/permissions/decideEnforcement): inside the sandbox its grant allows, with the host's port
 * relayed in when its network is its own; refused (SANDBOX_UNAVAILABLE) when it requires a sandbox
 * this machine lacks; else started as the FinFocus CLI starts it, and said to be unsandboxed.
 */
import { realpathSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { launchContract } from "../../core/finfocus/cli-layout.ts";
import { decideEnforcement } from "../../core/permissions/enforcement.ts";
import type { PluginGrant, SandboxSupport } from "../../core/permissions/sandbox-policy.types.ts";
import { RunnerError } from "../errors.ts";
import { layoutFor } from "../install/layout.ts";
import { dataDirFor } from "../sandbox/grant.ts";
import { startSandboxed } from "../sandbox/launch.ts";
import { probeSandbox } from "../sandbox/probe.ts";
import { accepts, freePort, type LaunchedPlugin, launchPlugin } from "./launch.ts";

export interface HealthLaunchRequest {
  /** The version folder (mounted read-only in the sandbox) and the executable in it. */
  folder: string;
  binary: string;
  /** What the plugin was granted (runner/sandbox/grant.ts). */
  grant: PluginGrant;
  /** The plugin folder: its data folder and configuration file live under it. */
  pluginDir: string;
  /** How long the plugin may take to listen. Default 30 s. */
  timeoutMs?: number;
  /** The machine's support (default: probed once per process). */
  support?: SandboxSupport;
  /** The user chose no sandbox (`--no-sandbox`): core still refuses it for `sandbox_required`. */
  noSandbox?: boolean;
}

/** A plugin started for a health check, and how: `bubblewrap`, or `none` with the warning why. */
export interface HealthLaunch extends LaunchedPlugin {
  sandbox: "bubblewrap" | "none";
  warning?: string;
}

/** Starts the plugin for a health check; throws SANDBOX_UNAVAILABLE, or with its output when it does not listen. */
export async function launchForHealth(request: HealthLaunchRequest): Promise<HealthLaunch> {
  const { grant, binary } = request;
  const support = request.support ?? probeSandbox();
  const enforcement = decideEnforcement(grant, support, request.noSandbox ? { disable_sandbox: true } : {});
  if (enforcement.mode === "refuse") {
    throw new RunnerError(
      "SANDBOX_UNAVAILABLE",
      `${enforcement.message}; ${grant.name} was not started for its health check`,
      { name: grant.name, reason: enforcement.reason, missing: enforcement.missing },
    );
  }
  const timeout = request.timeoutMs ?? 30_000;
  if (enforcement.mode === "plain") {
    const plain = await launchPlugin(binary, { timeoutMs: timeout });
    return { ...plain, sandbox: "none", warning: enforcement.warning };
  }
  const layout = layoutFor(request.pluginDir);
  const dataDir = dataDirFor(layout, grant.name);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const port = await freePort();
  const contract = launchContract(port);
  const started = await startSandboxed({
    command: binary,
    args: contract.args,
    enforcement,
    support,
    paths: {
      pluginPath: request.folder,
      dataDir,
      configFile: join(layout.configs, `${grant.name}.json`),
      // The Node that runs this process, read-only: the port relay needs it, and so do Node plugins.
      runtime: [realpathSync(process.execPath)],
    },
    env: { ...process.env, ...contract.env },
    port,
    stdio: "pipe",
    graceMs: 2000,
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    if (output.length < 65536) output += chunk.toString("utf8");
  };
  started.child.stdout?.on("data", keep);
  started.child.stderr?.on("data", keep);
  let status: number | undefined;
  started.exited.then((code) => {
    status = code;
  });
  const relayed = enforcement.policy.network === "loopback";
  const deadline = Date.now() + timeout;
  // With its own network the relay's socket appears once the plugin listens inside; with the
  // host's network the port answers directly.
  const listening = relayed
    ? await Promise.race([started.ready.then(() => true), sleep(timeout, false, { ref: false })]).catch(
        () => false,
      )
    : await (async () => {
        while (Date.now() < deadline && status === undefined) {
          if (await accepts(port)) return true;
          await sleep(100);
        }
        return false;
      })();
  if (listening) {
    return {
      binary,
      args: contract.args,
      port,
      address: `127.0.0.1:${port}`,
      pid: started.child.pid!,
      stop: started.stop,
      sandbox: "bubblewrap",
    };
  }
  const exitedFirst = await Promise.race([started.exited.then(() => true), sleep(50, false)]);
  await started.stop();
  const why = exitedFirst
    ? `exited (${status}) before listening`
    : `did not listen on 127.0.0.1:${port} within ${timeout} ms`;
  const text = output.trim();
  throw new Error(`${binary} ${why} (in its sandbox)${text ? `: ${text.slice(-2000)}` : ""}`);
}
