import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { RunnerError } from "../errors.ts";
import { installedManifest } from "../install/installed-manifest.ts";
import { layoutFor } from "../install/layout.ts";
import { readState } from "../install/state.ts";

/** Healthy, Warning (answered SERVING but slowly), Critical (answered, not serving), Unknown (no answer). */
export type HealthStatus = "Healthy" | "Warning" | "Critical" | "Unknown";

export interface HealthRequest {
  /** An installed plugin's name (its manifest's port on 127.0.0.1) or HOST:PORT. */
  target: string;
  pluginDir?: string;
  /** The service name to ask about; "" is the server as a whole. */
  service?: string;
  timeoutMs?: number;
  /** Slower answers are a Warning. Default 1000 ms. */
  slowMs?: number;
}

export interface HealthResult {
  target: string;
  address: string;
  status: HealthStatus;
  healthy: boolean;
  serving_status?: string;
  response_time_ms: number;
  checked_at: string;
  error?: string;
}

const PROTO = fileURLToPath(new URL("./health.proto", import.meta.url));
let HealthClient: grpc.ServiceClientConstructor | undefined;

/** The grpc.health.v1.Health service definition, for clients here and servers in tests. */
export function healthService(): grpc.ServiceClientConstructor {
  if (!HealthClient) {
    const definition = protoLoader.loadSync(PROTO, { keepCase: true, enums: String, defaults: true });
    const pkg = grpc.loadPackageDefinition(definition) as unknown as {
      grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
    };
    HealthClient = pkg.grpc.health.v1.Health;
  }
  return HealthClient;
}

async function addressOf(request: HealthRequest): Promise<string> {
  if (/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(request.target)) return request.target;
  if (!request.pluginDir) throw new RunnerError("USAGE", "health needs HOST:PORT or an installed plugin", {});
  const plugin = (await readState(layoutFor(request.pluginDir))).plugins[request.target];
  if (!plugin)
    throw new RunnerError("NOT_INSTALLED", `${request.target} is not installed`, { name: request.target });
  const port = (await installedManifest(plugin)).specification?.service_definition?.port;
  if (!port) {
    throw new RunnerError("USAGE", `${request.target}'s manifest names no port: pass HOST:PORT`, {
      name: request.target,
    });
  }
  return `127.0.0.1:${port}`;
}

/** The spec's CheckPluginHealth: one grpc.health.v1.Health/Check call, timed. */
export async function checkHealth(request: HealthRequest): Promise<HealthResult> {
  const address = await addressOf(request);
  const Client = healthService();
  const client = new Client(address, grpc.credentials.createInsecure());
  const started = performance.now();
  const checked_at = new Date().toISOString();
  try {
    const response = await new Promise<{ status: string }>((resolve, reject) => {
      client.Check!(
        { service: request.service ?? "" },
        { deadline: Date.now() + (request.timeoutMs ?? 5000) },
        (error: grpc.ServiceError | null, value: { status: string }) =>
          error ? reject(error) : resolve(value),
      );
    });
    const ms = Math.round(performance.now() - started);
    const serving = response.status === "SERVING";
    const status: HealthStatus = !serving
      ? "Critical"
      : ms > (request.slowMs ?? 1000)
        ? "Warning"
        : "Healthy";
    return {
      target: request.target,
      address,
      status,
      healthy: serving,
      serving_status: response.status,
      response_time_ms: ms,
      checked_at,
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
    };
  } finally {
    client.close();
  }
}
