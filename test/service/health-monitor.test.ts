/**
 * Continuous health monitoring through the daemon: a real plugin process slows down, fails and
 * recovers, and CheckPluginHealth follows it through Healthy, Warning, Critical and back; checks
 * run on their own on the interval; the history lives in node:sqlite and survives a restart;
 * /metrics serves the states as Prometheus text.
 */

import assert from "node:assert/strict";
import { rm, stat } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { install } from "../../runner/index.ts";
import { type DaemonOptions, type RunningDaemon, startDaemon } from "../../service/daemon.ts";
import { HealthMonitor } from "../../service/health-monitor.ts";
import { HealthStore, healthDbPath } from "../../service/health-store.ts";
import { testContext } from "../runner/helpers/context.ts";
import { publish } from "../runner/helpers/registry.ts";
import { type StaticServer, startServer } from "../runner/helpers/server.ts";
import { type Message, type RegistryClient, registryClient, startHealthPlugin } from "./helpers/client.ts";

let http: StaticServer;
let context: Awaited<ReturnType<typeof testContext>>;
let plugin: Awaited<ReturnType<typeof startHealthPlugin>>;

const THRESHOLDS = { window: 3, slowMs: 200, criticalConsecutive: 2 };

before(async () => {
  http = await startServer();
  context = await testContext(http.url);
  plugin = await startHealthPlugin(join(context.tmp, "control.json"));
  publish(http, [
    {
      name: "svc",
      versions: [
        {
          version: "1.0.0",
          edit: (m) => {
            m.specification.service_definition.port = plugin.port;
          },
        },
      ],
    },
  ]);
  await install(context, { plugins: [{ name: "svc" }] });
});

after(async () => {
  await plugin.stop();
  await http.close();
  await rm(context.tmp, { recursive: true, force: true });
});

async function withDaemon(
  options: Partial<DaemonOptions>,
  work: (client: RegistryClient, daemon: RunningDaemon) => Promise<void>,
): Promise<void> {
  const daemon = await startDaemon({ context, listen: `unix:${join(context.tmp, "h.sock")}`, ...options });
  const client = registryClient(daemon.address);
  try {
    await work(client, daemon);
  } finally {
    client.close();
    await daemon.close();
  }
}

/** `n` checks made now; the last answer. */
async function checks(client: RegistryClient, n: number): Promise<Message> {
  let answer: Message = {};
  for (let i = 0; i < n; i++)
    answer = await client.call.CheckPluginHealth!({ name: "svc", timeout_seconds: 5 });
  return answer;
}

const codes = (answer: Message) => answer.health_errors.map((e: Message) => e.code);

test("states follow the plugin: no data, Healthy, slow (Warning), failing (Critical), recovered; kept across a restart", async () => {
  const manual = { health: { intervalMs: 86_400_000, thresholds: THRESHOLDS } };
  let last: Message = {};
  await withDaemon(manual, async (client) => {
    const none = await client.call.CheckPluginHealth!({ name: "svc", timeout_seconds: 0 });
    assert.deepEqual([none.status, none.healthy, codes(none)], ["Unknown", false, ["HEALTH_NO_DATA"]]);

    plugin.set({ delayMs: 0, status: "SERVING" });
    assert.equal((await checks(client, 3)).status, "Healthy");

    plugin.set({ delayMs: 400, status: "SERVING" });
    const slow = await checks(client, 3);
    assert.deepEqual([slow.status, slow.healthy, codes(slow)], ["Warning", true, ["PLUGIN_SLOW"]]);

    plugin.set({ delayMs: 0, status: "NOT_SERVING" });
    const failing = await checks(client, 2);
    assert.equal(failing.status, "Critical");
    assert.equal(failing.healthy, false);
    assert.ok(codes(failing).includes("SERVICE_UNAVAILABLE"), JSON.stringify(failing));
    const listed = await client.call.ListInstalledPlugins!({});
    assert.deepEqual(listed.plugins, [], "an inactive plugin is listed only with include_inactive");
    const inactive = await client.call.ListInstalledPlugins!({ include_inactive: true });
    assert.equal(inactive.plugins[0].status, "PLUGIN_STATUS_INACTIVE");

    plugin.set({ delayMs: 0, status: "SERVING" });
    last = await checks(client, 3);
    assert.deepEqual([last.status, codes(last)], ["Healthy", []]);
  });
  assert.equal((await stat(healthDbPath(context.pluginDir))).mode & 0o777, 0o600);
  await withDaemon(manual, async (client) => {
    const again = await client.call.CheckPluginHealth!({ name: "svc", timeout_seconds: 0 });
    assert.equal(again.status, "Healthy", "read back from the database");
    assert.deepEqual(again.last_check_time, last.last_check_time);
  });
  const store = new HealthStore(healthDbPath(context.pluginDir), { readOnly: true });
  try {
    const history = store.recent("svc", 100);
    assert.equal(history.length, 11);
    assert.deepEqual(
      history.slice(0, 5).map((r) => [r.available, r.error_code]),
      [
        [true, undefined],
        [true, undefined],
        [true, undefined],
        [false, "SERVICE_UNAVAILABLE"],
        [false, "SERVICE_UNAVAILABLE"],
      ],
    );
  } finally {
    store.close();
  }
});

test("checks run on their own on the interval, and /metrics serves the states", async () => {
  plugin.set({ delayMs: 0, status: "SERVING" });
  const before = new HealthStore(healthDbPath(context.pluginDir), { readOnly: true });
  const count = () => before.recent("svc", 10_000).length;
  const start = count();
  await withDaemon(
    { health: { intervalMs: 100, jitter: 0.2, thresholds: THRESHOLDS }, metricsListen: "127.0.0.1:0" },
    async (client, daemon) => {
      for (let i = 0; i < 100 && count() < start + 4; i++) await sleep(50);
      assert.ok(count() >= start + 4, `${count() - start} checks in 5 s`);
      const answer = await client.call.CheckPluginHealth!({ name: "svc", timeout_seconds: 0 });
      assert.equal(answer.status, "Healthy");
      await client.call.ListInstalledPlugins!({});
      const text = await (await fetch(daemon.metricsUrl ?? "")).text();
      assert.match(text, /finfocus_plugin_health_state\{plugin="svc",state="Healthy"\} 1/);
      assert.match(text, /finfocus_plugin_health_checks_total\{plugin="svc",result="ok"\} \d+/);
      assert.match(text, /finfocus_registry_rpc_requests_total\{method="ListInstalledPlugins",code="OK"\} 1/);
      // Request targets no URL parser takes (`//[`) are not found, and the daemon serves on.
      const metrics = new URL(daemon.metricsUrl ?? "");
      for (const target of ["//[", "//[::", "http://[/metrics", "/metrics/../x"])
        assert.match(await rawGet(metrics, target), /^HTTP\/1\.1 404 /, target);
      assert.match(await rawGet(metrics, "/metrics?scrape=1"), /^HTTP\/1\.1 200 /);
      assert.equal(
        (await client.call.CheckPluginHealth!({ name: "svc", timeout_seconds: 0 })).status,
        "Healthy",
      );
    },
  );
  before.close();
});

test("a scheduled check the monitor cannot record (its history closed under it) is told, and the process lives on", async () => {
  plugin.set({ delayMs: 0, status: "SERVING" });
  const store = new HealthStore(join(context.tmp, "closed-under.sqlite"));
  const lines: string[] = [];
  const monitor = new HealthMonitor({
    pluginDir: context.pluginDir,
    store,
    intervalMs: 50,
    jitter: 0,
    thresholds: THRESHOLDS,
    log: (line) => lines.push(line),
  });
  await monitor.start();
  store.close();
  try {
    for (let i = 0; i < 200 && lines.length < 2; i++) await sleep(20);
    // Told at each interval, and the checks go on being scheduled (an unhandled rejection would
    // have ended this process at the first).
    assert.ok(lines.length >= 2, JSON.stringify(lines));
    assert.match(lines[0] ?? "", /^the health check of svc failed: /);
  } finally {
    await monitor.stop();
  }
});

test("retention: rows older than the age limit and past the cap per plugin are pruned", async () => {
  const file = join(context.tmp, "retention.sqlite");
  const store = new HealthStore(file);
  try {
    const now = Date.now();
    for (let i = 0; i < 20; i++) {
      store.record({ plugin: "a", checked_at: now - i * 1000, available: true, latency_ms: 1 });
      store.record({ plugin: "b", checked_at: now - i * 3600_000, available: i % 2 === 0, latency_ms: 2 });
    }
    const removed = store.prune(now, { maxAgeMs: 5 * 3600_000 + 1, maxPerPlugin: 10 });
    assert.equal(removed, 10 + 14);
    assert.equal(store.recent("a", 100).length, 10);
    assert.equal(store.recent("b", 100).length, 6);
    assert.equal(store.recent("a", 100)[0]?.checked_at, now, "the newest rows are kept");
  } finally {
    store.close();
  }
});

/** The status line of a GET of `target` sent as written (fetch would normalize it) to `url`'s server. */
function rawGet(url: URL, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () =>
      socket.write(`GET ${target} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`),
    );
    let answer = "";
    socket.on("data", (chunk) => {
      answer += String(chunk);
    });
    socket.on("end", () => resolve(answer.split("\r\n")[0] ?? ""));
    socket.on("error", reject);
  });
}
