import { dirname, join, resolve } from "node:path";
import { homeFolder } from "../../core/home.ts";
import { readLocalFile } from "../../core/json/local-file.ts";
import { systemClock } from "../../core/net/fetcher.types.ts";
import { createHttpFetcher } from "../../net/http-fetcher.ts";
import { loadDiscoveryConfig, sourcesFromConfig } from "../../runner/config/load-config.ts";
import { defaultListen, startDaemon } from "../../service/daemon.ts";
import type { FollowedSource } from "../../service/follow-sources.ts";
import type { TlsFiles } from "../../service/listen.ts";
import type { CliIO } from "../command.types.ts";
import { defineCommand } from "../define-command.ts";
import { UsageError } from "../errors.ts";
import { output } from "../output.ts";
import { contextFromArgs, RUNNER_OPTIONS } from "../runner-cli.ts";

/** A positive whole number of seconds from an option, or a usage error naming it. */
function seconds(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw new UsageError(`--${name} takes seconds`);
  return Number(value);
}

/** Most bytes a PEM file the daemon reads (a certificate chain, a key, a CA bundle) may hold. */
const MAX_PEM_BYTES = 1024 * 1024;

async function tlsFiles(
  io: CliIO,
  cert: string | undefined,
  key: string | undefined,
  ca: string | undefined,
): Promise<TlsFiles | undefined> {
  if (!cert && !key && !ca) return undefined;
  if (!cert || !key)
    throw new UsageError("--tls-cert and --tls-key go together (--tls-client-ca needs both)");
  const read = (file: string, what: string) => readLocalFile(resolve(io.cwd, file), what, MAX_PEM_BYTES);
  return {
    cert: await read(cert, "TLS certificate"),
    key: await read(key, "TLS key"),
    ...(ca ? { clientCa: await read(ca, "client CA") } : {}),
  };
}

/** The config's sources as the daemon follows them: each entry rebuilt on its own when it changes. */
async function followed(
  io: CliIO,
  configFile: string,
  cacheOption: string | undefined,
  allowLoopbackHttp: boolean,
  offline: boolean,
): Promise<{ sources: FollowedSource[]; registryTtlSeconds?: number }> {
  const file = resolve(io.cwd, configFile);
  const { settings } = await loadDiscoveryConfig(file, io.env);
  const cacheDir = resolve(
    io.cwd,
    cacheOption ?? settings.cacheDirectory ?? join(homeFolder(io.env), ".finfocus", "cache"),
  );
  const fetcher = createHttpFetcher({ allowLoopbackHttp });
  const baseDir = dirname(file);
  const deps = { fetcher, urlPolicy: { allowLoopbackHttp }, clock: systemClock, cacheDir, offline, baseDir };
  const sources = settings.sources.map((entry) => ({
    entry,
    ...(entry.type === "filesystem" ? { path: resolve(baseDir, entry.path) } : {}),
    build: () =>
      sourcesFromConfig({ ...settings, sources: [entry] }, deps)[0] as ReturnType<
        typeof sourcesFromConfig
      >[number],
  }));
  const ttl = settings.sources.find((s) => s.type === "registry")?.cacheTtlSeconds;
  return { sources, ...(ttl ? { registryTtlSeconds: ttl } : {}) };
}

export const daemonCommand = defineCommand({
  name: "daemon",
  summary: "serve the spec's PluginRegistryService over gRPC and monitor plugin health",
  description: `A long-running gRPC server of finfocus.v1.PluginRegistryService (the eight RPCs of the
specification), grpc.health.v1 and server reflection, over the runner library. It listens on a Unix
socket (mode 0600; default <plugin-dir>/.finfocus-registry/daemon.sock), or on HOST:PORT, which needs
--tls-cert and --tls-key unless HOST is a loopback address. Every installed plugin that serves a
port is checked on an interval; the history is kept in <plugin-dir>/.finfocus-registry/health.sqlite.
Consent is granted ahead of time with 'finfocus-registry approve'. SIGTERM or SIGINT stops it
gracefully. See docs/daemon.md.`,
  options: {
    listen: { type: "string", value: "unix:PATH|HOST:PORT", help: "where to listen" },
    "tls-cert": { type: "string", value: "FILE", help: "the server's certificate chain (PEM)" },
    "tls-key": { type: "string", value: "FILE", help: "the server's private key (PEM)" },
    "tls-client-ca": { type: "string", value: "FILE", help: "require client certificates signed by this CA" },
    "metrics-listen": { type: "string", value: "HOST:PORT", help: "serve Prometheus text on /metrics" },
    "health-tls-ca": {
      type: "string",
      value: "FILE",
      help: "trust this CA when checking plugins whose manifest requires TLS (default the system's roots)",
    },
    "health-interval": {
      type: "string",
      value: "SECONDS",
      help: "between two checks of a plugin (default 30)",
    },
    ...RUNNER_OPTIONS,
  },
  exit: "0 stopped by a signal, 2 usage or I/O error",
  async run({ values, format, io }) {
    const tls = await tlsFiles(io, values["tls-cert"], values["tls-key"], values["tls-client-ca"]);
    const interval = seconds(values["health-interval"], "health-interval");
    const healthCa = values["health-tls-ca"]
      ? await readLocalFile(resolve(io.cwd, values["health-tls-ca"]), "health check CA", MAX_PEM_BYTES)
      : undefined;
    const context = await contextFromArgs(values, io);
    const follow = values.config
      ? await followed(
          io,
          values.config,
          values["cache-dir"],
          values["allow-loopback-http"] === true,
          values.offline === true,
        )
      : undefined;
    const daemon = await startDaemon({
      context,
      listen: values.listen ?? defaultListen(context.pluginDir),
      cwd: io.cwd,
      ...(tls ? { tls } : {}),
      health: {
        ...(interval ? { intervalMs: interval * 1000 } : {}),
        ...(healthCa ? { tls: { ca: healthCa } } : {}),
      },
      ...(values["metrics-listen"] ? { metricsListen: values["metrics-listen"] } : {}),
      ...(follow ? { follow } : {}),
      log: (line) => io.stderr(`daemon: ${line}\n`),
    });
    const listening = {
      address: daemon.address,
      ...(daemon.metricsUrl ? { metrics: daemon.metricsUrl } : {}),
    };
    output(
      io,
      format,
      listening,
      () =>
        `listening on ${daemon.address}${daemon.metricsUrl ? ` (metrics at ${daemon.metricsUrl})` : ""}\n`,
    );
    await new Promise<void>((done) => {
      const stop = () => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        void daemon.close().then(done, done);
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    return 0;
  },
});
