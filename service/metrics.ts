/**
 * Prometheus metrics for operators (prom-client), served as text on `/metrics` when the daemon
 * is started with `--metrics-listen HOST:PORT`: RPCs by method and status, their latency, every
 * plugin's health state and its checks.
 */
import { createServer, type Server } from "node:http";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { HealthCheckRecord, PluginHealth } from "../core/health/index.ts";

const STATES = ["Healthy", "Warning", "Critical", "Unknown"] as const;

export class DaemonMetrics {
  readonly registry = new Registry();
  readonly #rpcs = new Counter({
    name: "finfocus_registry_rpc_requests_total",
    help: "PluginRegistryService calls by method and gRPC status",
    labelNames: ["method", "code"],
    registers: [this.registry],
  });
  readonly #rpcSeconds = new Histogram({
    name: "finfocus_registry_rpc_duration_seconds",
    help: "PluginRegistryService call latency by method",
    labelNames: ["method"],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [this.registry],
  });
  readonly #state = new Gauge({
    name: "finfocus_plugin_health_state",
    help: "1 for the plugin's current health state (dependencies included), 0 for the others",
    labelNames: ["plugin", "state"],
    registers: [this.registry],
  });
  readonly #checks = new Counter({
    name: "finfocus_plugin_health_checks_total",
    help: "Health checks by plugin and result (ok, or the error code)",
    labelNames: ["plugin", "result"],
    registers: [this.registry],
  });
  readonly #latency = new Gauge({
    name: "finfocus_plugin_health_check_latency_seconds",
    help: "The latest health check's response time",
    labelNames: ["plugin"],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  rpc(method: string, code: string, seconds: number): void {
    this.#rpcs.inc({ method, code });
    this.#rpcSeconds.observe({ method }, seconds);
  }

  check(record: HealthCheckRecord, health: PluginHealth | undefined): void {
    this.#checks.inc({ plugin: record.plugin, result: record.error_code ?? "ok" });
    this.#latency.set({ plugin: record.plugin }, record.latency_ms / 1000);
    if (health)
      for (const s of STATES)
        this.#state.set({ plugin: record.plugin, state: s }, s === health.state ? 1 : 0);
  }

  /** Serves `/metrics` on host:port; resolves with the bound address. */
  async serve(host: string, port: number): Promise<{ url: string; server: Server }> {
    const server = createServer((req, res) => {
      // The request target as sent, its query cut off: no URL parser that a target like `//[`
      // would make throw in the listener (an uncaught exception ends the daemon).
      if (req.method !== "GET" || (req.url ?? "/").split(/[?#]/)[0] !== "/metrics") {
        res.writeHead(404).end();
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": this.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((ok, fail) => server.once("error", fail).listen(port, host, ok));
    const address = server.address();
    const bound = typeof address === "object" && address ? address.port : port;
    return { url: `http://${host.includes(":") ? `[${host}]` : host}:${bound}/metrics`, server };
  }
}
