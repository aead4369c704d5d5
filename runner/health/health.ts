import * as grpc from "@grpc/grpc-js";
import { servicePort } from "../../core/health/after-install.ts";
import type { ContainerRecord } from "../../core/oci/engine.types.ts";
import { containerState } from "../container/engine-install.ts";
import { RunnerError } from "../errors.ts";
import { installedManifest } from "../install/installed-manifest.ts";
import { layoutFor } from "../install/layout.ts";
import { readStateSnapshot } from "../install/state.ts";
import type { InstalledPlugin } from "../install/state.types.ts";
import { costSourceService, healthService, unary } from "./services.ts";

export { costSourceService, healthService } from "./services.ts";

/** Healthy, Warning (answered SERVING but slowly), Critical (answered, not serving), Unknown (no answer). */
export type HealthStatus = "Healthy" | "Warning" | "Critical" | "Unknown";

/** Which call answered: the standard health service, or the cost-source service's Name(). */
export type HealthProbe = "grpc.health.v1.Health/Check" | "finfocus.v1.CostSourceService/Name";

export interface HealthRequest {
  /** An installed plugin's name (its manifest's port on 127.0.0.1) or HOST:PORT. */
  target: string;
  pluginDir?: string;
  /** The service name to ask about; "" is the server as a whole. */
  service?: string;
  timeoutMs?: number;
  /** Slower answers are a Warning. Default 1000 ms. */
  slowMs?: number;
  /**
   * TLS for the probe of HOST:PORT when given. An installed plugin is probed over TLS when its
   * manifest says `runtime_requirements.tls_required`, trusting `ca` (else the system's roots).
   */
  tls?: HealthTls;
}

/** Trust for a TLS health check: the CA that signed the plugin's certificate, and a client certificate. */
export interface HealthTls {
  ca?: Uint8Array;
  cert?: Uint8Array;
  key?: Uint8Array;
}

export interface HealthResult {
  target: string;
  address: string;
  status: HealthStatus;
  healthy: boolean;
  /** The call that decided the status (absent when nothing answered). */
  probe?: HealthProbe;
  serving_status?: string;
  /** What the plugin's Name() answered, when that was the probe. */
  plugin_name?: string;
  response_time_ms: number;
  checked_at: string;
  error?: string;
  /** True when the probe spoke TLS. */
  tls?: boolean;
}

async function addressOf(
  request: HealthRequest,
): Promise<{ address: string; tls: boolean; container?: ContainerRecord }> {
  if (/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(request.target))
    return { address: request.target, tls: request.tls !== undefined };
  if (!request.pluginDir) throw new RunnerError("USAGE", "health needs HOST:PORT or an installed plugin", {});
  const recorded = (await readStateSnapshot(layoutFor(request.pluginDir))).plugins[request.target];
  const plugin = recorded && (structuredClone(recorded) as InstalledPlugin);
  if (!plugin)
    throw new RunnerError("NOT_INSTALLED", `${request.target} is not installed`, { name: request.target });
  const manifest = await installedManifest(plugin);
  const port = servicePort(manifest);
  if (!port) {
    throw new RunnerError(
      "USAGE",
      `${request.target}'s manifest names no port: pass HOST:PORT, or --launch to start it the way the FinFocus CLI does`,
      { name: request.target },
    );
  }
  // An installed plugin speaks TLS when its manifest says so; `request.tls` only supplies the trust.
  const tls = manifest.requirements?.runtime_requirements?.tls_required === true;
  return { address: `127.0.0.1:${port}`, tls, ...(plugin.container ? { container: plugin.container } : {}) };
}

type Answer = { probe: HealthProbe; serving: boolean; serving_status?: string; plugin_name?: string };

/**
 * grpc.health.v1 when the plugin serves it; when it does not (UNIMPLEMENTED, as plugins built
 * with the FinFocus SDK answer) and the whole server was asked about, the cost-source service's
 * Name() is the liveness probe: an answer means the plugin is up and speaking its protocol.
 */
async function probe(
  address: string,
  service: string,
  deadline: number,
  tls: HealthTls | undefined,
): Promise<Answer> {
  const credentials = tls
    ? grpc.credentials.createSsl(
        tls.ca ? Buffer.from(tls.ca) : null,
        tls.key ? Buffer.from(tls.key) : null,
        tls.cert ? Buffer.from(tls.cert) : null,
      )
    : grpc.credentials.createInsecure();
  const health = new (healthService())(address, credentials);
  try {
    const response = await unary<{ status: string }>(health, "Check", { service }, deadline);
    return {
      probe: "grpc.health.v1.Health/Check",
      serving: response.status === "SERVING",
      serving_status: response.status,
    };
  } catch (error) {
    if ((error as grpc.ServiceError).code !== grpc.status.UNIMPLEMENTED || service !== "") throw error;
  } finally {
    health.close();
  }
  const costSource = new (costSourceService())(address, credentials);
  try {
    const response = await unary<{ name: string }>(costSource, "Name", {}, deadline);
    return { probe: "finfocus.v1.CostSourceService/Name", serving: true, plugin_name: response.name };
  } finally {
    costSource.close();
  }
}

/** The spec's CheckPluginHealth: one probe (see `probe`), timed. */
export async function checkHealth(request: HealthRequest): Promise<HealthResult> {
  const { address, tls, container } = await addressOf(request);
  const started = performance.now();
  const checked_at = new Date().toISOString();
  // A container plugin: the engine must report it running before its port is probed.
  const state = container ? await containerState(container) : "running";
  if (state !== "running") {
    return {
      target: request.target,
      address,
      status: state === undefined ? "Unknown" : "Critical",
      healthy: false,
      response_time_ms: Math.round(performance.now() - started),
      checked_at,
      error: `container ${container?.name} is ${state ?? "not known to the engine"}`,
    };
  }
  try {
    const answer = await probe(
      address,
      request.service ?? "",
      Date.now() + (request.timeoutMs ?? 5000),
      tls ? (request.tls ?? {}) : undefined,
    );
    const ms = Math.round(performance.now() - started);
    const status: HealthStatus = !answer.serving
      ? "Critical"
      : ms > (request.slowMs ?? 1000)
        ? "Warning"
        : "Healthy";
    return {
      target: request.target,
      address,
      status,
      healthy: answer.serving,
      probe: answer.probe,
      ...(answer.serving_status !== undefined ? { serving_status: answer.serving_status } : {}),
      ...(answer.plugin_name !== undefined ? { plugin_name: answer.plugin_name } : {}),
      response_time_ms: ms,
      checked_at,
      ...(tls ? { tls: true } : {}),
    };
  } catch (error) {
    const e = error as grpc.ServiceError;
    const unreachable = e.code === grpc.status.UNAVAILABLE || e.code === grpc.status.DEADLINE_EXCEEDED;
    return {
      target: request.target,
      address,
      status: unreachable ? "Unknown" : "Critical",
      healthy: false,
      response_time_ms: Math.round(performance.now() - started),
      checked_at,
      error: e.details || e.message,
      ...(tls ? { tls: true } : {}),
    };
  }
}
