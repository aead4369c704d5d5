/**
 * `npm run bench:daemon`: DiscoverPlugins and ListInstalledPlugins latency (p50/p99) with 100
 * concurrent gRPC clients at 10,000 plugins (a loopback registry of 10,000 plugins; a plugin
 * folder whose state records 10,000 installs), next to the same operation through the library in
 * one process with the same concurrency (the floor). Target: the daemon within 2× the floor at p50.
 *
 * The daemon measured is the one users run: `finfocus-registry daemon`, its own process, the
 * clients in this one. For reference the bench also serves the same RPCs from a daemon started in
 * this process, where one thread pays for both ends of every call (encoding, HTTP/2, decoding).
 *
 * Each client has its own connection, as clients in their own processes do (grpc-js would share
 * one between the clients of a process). The floor and the daemons are measured in alternating
 * rounds (BENCH_ROUNDS, default 5) and the latencies pooled, so both see the machine alike.
 *
 * The 10,000 installs are written as the runner's state file directly (installing 10,000 archives
 * would take minutes and measure the installer, not the daemon). Each call asks for the plugins
 * whose names start with a prefix matching 100 of them.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createHttpFetcher } from "../net/http-fetcher.ts";
import { createContext } from "../runner/create-context.ts";
import type { InstalledPlugin } from "../runner/index.ts";
import { discover, listInstalled } from "../runner/ops/list.ts";
import { startDaemon } from "../service/daemon.ts";
import { publish } from "../test/runner/helpers/registry.ts";
import { startServer } from "../test/runner/helpers/server.ts";
import { registryClient } from "../test/service/helpers/client.ts";

const PLUGINS = Number(process.env.BENCH_PLUGINS ?? 10_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100);
const CALLS = Number(process.env.BENCH_CALLS_PER_CLIENT ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const FILTER = "plugin-000";
const name = (i: number) => `plugin-${String(i).padStart(5, "0")}`;

const work = await mkdtemp(join(tmpdir(), "ffr-bench-daemon-"));
const server = await startServer();
publish(
  server,
  Array.from({ length: PLUGINS }, (_, i) => ({ name: name(i), versions: [{ version: "1.0.0" }] })),
);
const pluginDir = join(work, "plugins");
await mkdir(join(pluginDir, ".finfocus-registry"), { recursive: true });
const installed: Record<string, InstalledPlugin> = {};
for (let i = 0; i < PLUGINS; i++) {
  installed[name(i)] = {
    name: name(i),
    version: "1.0.0",
    path: join(pluginDir, name(i), "v1.0.0"),
    install_id: `bench-${i}`,
    installed_at: "2026-01-01T00:00:00Z",
    explicit: true,
    source: { kind: "registry", location: server.url },
    security_level: "community",
    signature_kind: "none",
    dependencies: [],
    permissions: [],
  };
}
await writeFile(
  join(pluginDir, ".finfocus-registry", "state.json"),
  JSON.stringify({ format: 1, plugins: installed }),
);
const context = createContext({
  pluginDir,
  cacheDir: join(work, "cache"),
  registryUrl: server.url,
  fetcher: createHttpFetcher({ allowLoopbackHttp: true }),
  allowLoopbackHttp: true,
  finfocusConfig: false,
});

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
};

/** CLIENTS workers, CALLS sequential calls each; every call's latency in ms. */
async function measure(call: (worker: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, worker) => {
      for (let i = 0; i < CALLS; i++) {
        const started = performance.now();
        await call(worker);
        times.push(performance.now() - started);
      }
    }),
  );
  return times;
}

/** CPU time (user + system) a process has used, in ms: Linux's /proc; NaN elsewhere. */
function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks (USER_HZ 100)
  } catch {
    return Number.NaN;
  }
}

/** CPU this process uses while `work` runs, in ms. */
async function ownCpu<T>(work: () => Promise<T>): Promise<{ value: T; cpuMs: number }> {
  const start = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(start);
  return { value, cpuMs: (used.user + used.system) / 1000 };
}

/** `finfocus-registry daemon` in its own process, as users run it; resolves once it listens. */
async function startDaemonProcess(): Promise<{ address: string; cpuMs(): number; stop(): Promise<void> }> {
  const cli = fileURLToPath(new URL("../bin/finfocus-registry.js", import.meta.url));
  const child = spawn(
    process.execPath,
    [
      cli,
      "daemon",
      ...["--plugin-dir", pluginDir, "--cache-dir", join(work, "cli-cache")],
      ...["--registry-url", server.url, "--allow-loopback-http"],
      ...["--listen", `unix:${join(work, "cli.sock")}`, "--health-interval", "3600", "--format", "json"],
    ],
    { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, HOME: work } },
  );
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  const { address } = await new Promise<{ address: string }>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.trimEnd().endsWith("}")) resolve(JSON.parse(out));
    });
    void exited.then((code) => reject(new Error(`finfocus-registry daemon exited with ${code}`)));
  });
  return {
    address,
    cpuMs: () => processCpuMs(child.pid ?? 0),
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

const shipped = await startDaemonProcess();
const inProcess = await startDaemon({
  context,
  listen: `unix:${join(work, "d.sock")}`,
  health: { intervalMs: 3600_000 },
});
const connect = (address: string) =>
  Array.from({ length: CLIENTS }, () => registryClient(address, undefined, 600_000));
const clients = connect(shipped.address);
const localClients = connect(inProcess.address);
const operations = {
  DiscoverPlugins: {
    rpc: (w: number, to = clients) =>
      to[w]!.call.DiscoverPlugins!({ filter: FILTER, include_installed: true }),
    library: () => discover(context, FILTER),
    count: async () =>
      (await clients[0]!.call.DiscoverPlugins!({ filter: FILTER, include_installed: true })).plugins.length,
  },
  ListInstalledPlugins: {
    rpc: (w: number, to = clients) =>
      to[w]!.call.ListInstalledPlugins!({ filter: FILTER, include_inactive: true }),
    library: () => listInstalled(pluginDir, FILTER),
    count: async () =>
      (await clients[0]!.call.ListInstalledPlugins!({ filter: FILTER, include_inactive: true })).plugins
        .length,
  },
};

if ((await operations.DiscoverPlugins.count()) === 0)
  throw new Error("DiscoverPlugins found nothing: the bench measures an error");
const lines = [
  `daemon: ${PLUGINS} plugins, ${CLIENTS} concurrent clients (one connection each) × ${CALLS} calls, ${ROUNDS} rounds (filter "${FILTER}")`,
];
let worst = 0;
for (const [rpc, op] of Object.entries(operations)) {
  const results = await op.count(); // warms the caches of both paths
  await op.library();
  // Every client's channel is connected before it is timed, as a client that keeps its channel
  // open (the FinFocus host) finds it: the first call of each of 100 channels would otherwise time
  // 100 HTTP/2 handshakes, not the RPC.
  await Promise.all(clients.map((_, w) => Promise.all([op.rpc(w), op.rpc(w, localClients)])));
  // Rounds alternate the floor and the daemons, so both see the machine as it is at that moment
  // (another process's work, frequency changes); latencies are pooled over the rounds.
  const floor: number[] = [];
  const served: number[] = [];
  const local: number[] = [];
  const cpu = { library: 0, daemon: 0, client: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    const library = await ownCpu(() => measure(() => op.library()));
    floor.push(...library.value);
    cpu.library += library.cpuMs;
    const daemonCpuBefore = shipped.cpuMs();
    const client = await ownCpu(() => measure((w) => op.rpc(w)));
    served.push(...client.value);
    cpu.client += client.cpuMs;
    cpu.daemon += shipped.cpuMs() - daemonCpuBefore;
    local.push(...(await measure((w) => op.rpc(w, localClients))));
  }
  const p50 = (xs: number[]) => percentile(xs, 0.5);
  const perCall = (ms: number) => (ms / (CLIENTS * CALLS * ROUNDS)).toFixed(2);
  const ratio = p50(served) / p50(floor);
  worst = Math.max(worst, ratio);
  const row = (label: string, xs: number[]) =>
    `    ${label.padEnd(32)}p50 ${p50(xs).toFixed(1)} ms  p99 ${percentile(xs, 0.99).toFixed(1)} ms`;
  lines.push(
    `  ${rpc} (${results} results)`,
    row("daemon process over gRPC:", served),
    row("floor, library in-process:", floor),
    `    ratio at p50: ${ratio.toFixed(2)}× (target ≤ 2×)`,
    `${row("(daemon in this process:", local)}  ${(p50(local) / p50(floor)).toFixed(2)}×)`,
    `    CPU per call: daemon process ${perCall(cpu.daemon)} ms (its clients ${perCall(cpu.client)} ms), library ${perCall(cpu.library)} ms`,
  );
}
console.log(lines.join("\n"));
for (const c of [...clients, ...localClients]) c.close();
await shipped.stop();
await inProcess.close();
await server.close();
await rm(work, { recursive: true, force: true });
process.exitCode = worst <= 2 ? 0 : 1;
