/**
 * The daemon: a gRPC server of finfocus.v1.PluginRegistryService over the runner library, with the
 * standard grpc.health.v1 service and server reflection (grpcurl, Go clients), the health monitor,
 * optional Prometheus metrics, and sources followed live. `close` is the graceful shutdown:
 * no new calls, calls under way finish (up to a grace period, then they are cancelled), checks end.
 */

import * as grpc from "@grpc/grpc-js";
import { ReflectionService } from "@grpc/reflection";
import { HealthImplementation } from "grpc-health-check";
import type { RunnerContext } from "../runner/index.ts";
import { approvalsPath } from "./approvals.ts";
import type { DaemonState, Handler } from "./daemon.types.ts";
import { type FollowedSource, SourceFollower } from "./follow-sources.ts";
import { HealthMonitor, type MonitorOptions } from "./health-monitor.ts";
import { HealthStore, healthDbPath } from "./health-store.ts";
import { bind, type Listen, parseListen, serverCredentials, type TlsFiles } from "./listen.ts";
import { DaemonMetrics } from "./metrics.ts";
import { packageDefinition, registryService } from "./proto.ts";
import {
  checkPluginHealth,
  discoverPlugins,
  getPluginManifest,
  listInstalledPlugins,
  validatePlugin,
} from "./rpc-read.ts";
import { installPlugin, removePlugin, updatePlugin } from "./rpc-write.ts";
import { SearchThread } from "./search-thread.ts";
import { toServiceError } from "./status.ts";

export const SERVICE_NAME = "finfocus.v1.PluginRegistryService";

export interface DaemonOptions {
  context: RunnerContext;
  /** `unix:PATH` or `HOST:PORT`; default `unix:<plugin-dir>/.finfocus-registry/daemon.sock`. */
  listen?: string;
  cwd?: string;
  tls?: TlsFiles;
  health?: Omit<MonitorOptions, "pluginDir" | "store" | "onCheck">;
  /** `HOST:PORT` for `/metrics`. */
  metricsListen?: string;
  /** Sources to follow while running (see follow-sources.ts). */
  follow?: { sources: FollowedSource[]; registryTtlSeconds?: number };
  log?: (line: string) => void;
}

export interface RunningDaemon {
  /** What clients dial: `unix:PATH` or `HOST:PORT`. */
  address: string;
  metricsUrl?: string;
  monitor: HealthMonitor;
  /** Graceful shutdown: waits up to `graceMs` (default 10 s) for calls under way, then cancels them. */
  close(graceMs?: number): Promise<void>;
}

const HANDLERS: Record<string, Handler> = {
  DiscoverPlugins: discoverPlugins,
  GetPluginManifest: getPluginManifest,
  ValidatePlugin: validatePlugin,
  InstallPlugin: installPlugin,
  UpdatePlugin: updatePlugin,
  RemovePlugin: removePlugin,
  ListInstalledPlugins: listInstalledPlugins,
  CheckPluginHealth: checkPluginHealth,
};

/** The default socket: `<plugin-dir>/.finfocus-registry/daemon.sock`. */
export const defaultListen = (pluginDir: string): string =>
  `unix:${pluginDir}/.finfocus-registry/daemon.sock`;

/** Starts the daemon; resolves once it listens. */
export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const log = options.log ?? (() => undefined);
  // Searches of large indexes run on their own thread (search-thread.ts), unless the caller chose.
  const searchThread = options.context.search
    ? undefined
    : new SearchThread(undefined, (error, givenUp) =>
        log(
          `search thread failed (${error instanceof Error ? error.message : String(error)}): its searches are made on the main thread${givenUp ? " from now on" : ""}`,
        ),
      );
  const context: RunnerContext = {
    ...options.context,
    sources: [...options.context.sources],
    ...(searchThread ? { search: searchThread.search } : {}),
  };
  const listen: Listen = parseListen(
    options.listen ?? defaultListen(context.pluginDir),
    options.cwd ?? process.cwd(),
  );
  const credentials = serverCredentials(listen, options.tls);
  const metrics = options.metricsListen ? new DaemonMetrics() : undefined;
  const store = new HealthStore(healthDbPath(context.pluginDir));
  const monitor = new HealthMonitor({
    ...options.health,
    pluginDir: context.pluginDir,
    store,
    ...(metrics ? { onCheck: (record, health) => metrics.check(record, health) } : {}),
    log,
  });
  const state: DaemonState = { context, approvalsFile: approvalsPath(context.pluginDir), monitor };
  const inFlight = new Set<Promise<unknown>>();
  // Channelz (per-call bookkeeping for a debugging service the daemon does not serve) is off.
  const server = new grpc.Server({ "grpc.enable_channelz": 0 });
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [method, handler] of Object.entries(HANDLERS)) {
    implementation[method] = (
      call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      const started = performance.now();
      const work = handler(state, call.request);
      inFlight.add(work);
      work
        .then(
          (response) => {
            metrics?.rpc(method, "OK", (performance.now() - started) / 1000);
            callback(null, response);
          },
          (error: unknown) => {
            const status = toServiceError(error);
            metrics?.rpc(
              method,
              grpc.status[status.code ?? grpc.status.UNKNOWN] ?? "UNKNOWN",
              (performance.now() - started) / 1000,
            );
            callback(status);
          },
        )
        .finally(() => inFlight.delete(work));
    };
  }
  server.addService(registryService(), implementation);
  const health = new HealthImplementation({ "": "SERVING", [SERVICE_NAME]: "SERVING" });
  health.addToServer(server);
  new ReflectionService(packageDefinition()).addToServer(server);

  const follower = new SourceFollower(context.sources, log);
  let address: string;
  let metricsServer: Awaited<ReturnType<DaemonMetrics["serve"]>> | undefined;
  try {
    // Bind first: a second daemon on the same socket is refused before it touches the history.
    address = await bind(server, listen, credentials);
    await monitor.start();
    if (metrics && options.metricsListen) {
      const m = parseListen(options.metricsListen, options.cwd ?? process.cwd());
      if (m.kind !== "tcp") throw new Error("--metrics-listen takes HOST:PORT");
      metricsServer = await metrics.serve(m.host, m.port);
    }
  } catch (error) {
    await monitor.stop();
    await searchThread?.close();
    store.close();
    server.forceShutdown();
    throw error;
  }
  if (options.follow) follower.follow(options.follow.sources, options.follow.registryTtlSeconds);
  log(`listening on ${address}`);

  let closing: Promise<void> | undefined;
  const close = (graceMs = 10_000): Promise<void> => {
    closing ??= (async () => {
      health.setStatus("", "NOT_SERVING");
      health.setStatus(SERVICE_NAME, "NOT_SERVING");
      follower.stop();
      const drained = new Promise<void>((done) => server.tryShutdown(() => done()));
      const grace = new Promise<"timeout">((done) => setTimeout(() => done("timeout"), graceMs).unref());
      if ((await Promise.race([drained, grace])) === "timeout") server.forceShutdown();
      // Work a departed client started still ends in the old state or the new one, never half.
      await Promise.allSettled([...inFlight]);
      await monitor.stop();
      await searchThread?.close();
      store.close();
      if (metricsServer) await new Promise((done) => metricsServer?.server.close(done));
      log("stopped");
    })();
    return closing;
  };
  return { address, monitor, close, ...(metricsServer ? { metricsUrl: metricsServer.url } : {}) };
}
