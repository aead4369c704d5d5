/**
 * `npm run bench:daemon`: DiscoverPlugins and ListInstalledPlugins latency (p50/p99) with 100
 * concurrent gRPC clients at 10,000 plugins (a loopback registry of 10,000 plugins; a plugin
 * folder whose state records 10,000 installs), next to the same operation through the library in
 * one process with the same concurrency (the floor). Target: the daemon within 2× the floor at p50.
 *
 * The 10,000 installs are written as the runner's state file directly (installing 10,000 archives
 * would take minutes and measure the installer, not the daemon). Each call asks for the plugins
 * whose names start with a prefix matching 100 of them.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

const daemon = await startDaemon({
  context,
  listen: `unix:${join(work, "d.sock")}`,
  health: { intervalMs: 3600_000 },
});
const clients = Array.from({ length: CLIENTS }, () => registryClient(daemon.address, undefined, 600_000));
const operations = {
  DiscoverPlugins: {
    rpc: (w: number) => clients[w]!.call.DiscoverPlugins!({ filter: FILTER, include_installed: true }),
    library: () => discover(context, FILTER),
    count: async () =>
      (await clients[0]!.call.DiscoverPlugins!({ filter: FILTER, include_installed: true })).plugins.length,
  },
  ListInstalledPlugins: {
    rpc: (w: number) => clients[w]!.call.ListInstalledPlugins!({ filter: FILTER, include_inactive: true }),
    library: () => listInstalled(pluginDir, FILTER),
    count: async () =>
      (await clients[0]!.call.ListInstalledPlugins!({ filter: FILTER, include_inactive: true })).plugins
        .length,
  },
};

if ((await operations.DiscoverPlugins.count()) === 0)
  throw new Error("DiscoverPlugins found nothing: the bench measures an error");
const lines = [
  `daemon: ${PLUGINS} plugins, ${CLIENTS} concurrent clients × ${CALLS} calls (filter "${FILTER}")`,
];
let worst = 0;
for (const [rpc, op] of Object.entries(operations)) {
  const results = await op.count(); // warms the caches of both paths
  await op.library();
  const floor = await measure(() => op.library());
  const served = await measure((w) => op.rpc(w));
  const ratio = percentile(served, 0.5) / percentile(floor, 0.5);
  worst = Math.max(worst, ratio);
  lines.push(
    `  ${rpc} (${results} results)`,
    `    daemon over gRPC:   p50 ${percentile(served, 0.5).toFixed(1)} ms  p99 ${percentile(served, 0.99).toFixed(1)} ms`,
    `    floor, library:     p50 ${percentile(floor, 0.5).toFixed(1)} ms  p99 ${percentile(floor, 0.99).toFixed(1)} ms`,
    `    ratio at p50: ${ratio.toFixed(2)}× (target ≤ 2×)`,
  );
}
console.log(lines.join("\n"));
for (const c of clients) c.close();
await daemon.close();
await server.close();
await rm(work, { recursive: true, force: true });
process.exitCode = worst <= 2 ? 0 : 1;
