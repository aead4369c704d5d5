import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { checkHealth, costSourceService, healthService } from "../../runner/health/health.ts";
import { install } from "../../runner/ops/install.ts";
import { testContext } from "./helpers/context.ts";
import { publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

let grpcServer: grpc.Server;
let port = 0;
let status = "SERVING";
let delayMs = 0;
let http: StaticServer;
let tmp: string;

before(async () => {
  grpcServer = new grpc.Server();
  grpcServer.addService(healthService().service, {
    Check: (
      call: grpc.ServerUnaryCall<{ service: string }, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      if (call.request.service === "missing") {
        callback({ code: grpc.status.NOT_FOUND, details: "unknown service" });
        return;
      }
      setTimeout(() => callback(null, { status }), delayMs);
    },
  });
  port = await new Promise<number>((resolve, reject) =>
    grpcServer.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  http = await startServer();
  tmp = await mkdtemp(join(tmpdir(), "ffr-health-"));
  publish(http, [
    {
      name: "svc",
      versions: [
        {
          version: "1.0.0",
          edit: (m) => {
            m.specification.service_definition.port = port;
          },
        },
      ],
    },
  ]);
});
after(async () => {
  grpcServer.forceShutdown();
  await http.close();
  await rm(tmp, { recursive: true, force: true });
});

test("grpc.health.v1 against a real grpc-js server: Healthy, Warning when slow, Critical when not serving", async () => {
  status = "SERVING";
  delayMs = 0;
  const healthy = await checkHealth({ target: `127.0.0.1:${port}`, slowMs: 60_000 });
  assert.equal(healthy.status, "Healthy");
  assert.equal(healthy.healthy, true);
  assert.ok(healthy.response_time_ms >= 0);
  delayMs = 120;
  assert.equal((await checkHealth({ target: `127.0.0.1:${port}`, slowMs: 50 })).status, "Warning");
  delayMs = 0;
  status = "NOT_SERVING";
  assert.equal((await checkHealth({ target: `127.0.0.1:${port}` })).status, "Critical");
  assert.equal((await checkHealth({ target: `127.0.0.1:${port}`, service: "missing" })).status, "Critical");
  status = "SERVING";
});

test("Unknown when nothing answers; an installed plugin is checked on its manifest's port", async () => {
  const unknown = await checkHealth({ target: "127.0.0.1:9", timeoutMs: 1000 });
  assert.equal(unknown.status, "Unknown");
  const c = await testContext(http.url, { pluginDir: join(tmp, "plugins") });
  await install(c, { plugins: [{ name: "svc" }] });
  const byName = await checkHealth({ target: "svc", pluginDir: c.pluginDir, slowMs: 60_000 });
  assert.equal(byName.address, `127.0.0.1:${port}`);
  assert.equal(byName.status, "Healthy");
  await rm(c.tmp, { recursive: true, force: true });
});

test("CLI: health HOST:PORT exits 0 when Healthy and 1 when Unknown (black box)", async () => {
  const { spawn } = await import("node:child_process");
  const { fileURLToPath } = await import("node:url");
  const bin = fileURLToPath(new URL("../../bin/finfocus-registry.js", import.meta.url));
  const run = (target: string, timeout: number) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const args = ["health", target, "--format", "json", "--timeout", String(timeout), "--slow", "60000"];
      const p = spawn(process.execPath, [bin, ...args], { env: { ...process.env, HOME: tmp } });
      let out = "";
      p.stdout.on("data", (d) => {
        out += d;
      });
      p.on("close", (code) => resolve({ code, out }));
    });
  status = "SERVING";
  const [ok, down] = await Promise.all([run(`127.0.0.1:${port}`, 30_000), run("127.0.0.1:9", 1000)]);
  assert.equal(ok.code, 0, ok.out);
  assert.equal(JSON.parse(ok.out).status, "Healthy");
  assert.equal(down.code, 1);
  assert.equal(JSON.parse(down.out).status, "Unknown");
});

test("no grpc.health.v1 (as FinFocus SDK plugins): Name() is the probe; a server with neither is Critical", async () => {
  const listen = async (withName: boolean) => {
    const server = new grpc.Server();
    if (withName)
      server.addService(costSourceService().service, {
        Name: (_call: unknown, done: grpc.sendUnaryData<unknown>) => done(null, { name: "sdk-style" }),
      });
    const p = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, bound) =>
        e ? reject(e) : resolve(bound),
      ),
    );
    return { server, target: `127.0.0.1:${p}` };
  };
  const sdk = await listen(true);
  const bare = await listen(false);
  try {
    const viaName = await checkHealth({ target: sdk.target, slowMs: 60_000 });
    assert.deepEqual(
      [viaName.status, viaName.probe, viaName.plugin_name],
      ["Healthy", "finfocus.v1.CostSourceService/Name", "sdk-style"],
    );
    const named = await checkHealth({ target: sdk.target, service: "finfocus.v1.CostSourceService" });
    assert.equal(named.status, "Critical", "a named service asks grpc.health.v1 only: no fallback");
    const neither = await checkHealth({ target: bare.target });
    assert.equal(neither.status, "Critical");
    assert.equal(neither.probe, undefined);
    const served = await checkHealth({ target: `127.0.0.1:${port}` });
    assert.equal(served.probe, "grpc.health.v1.Health/Check", "grpc.health.v1 first when it is served");
  } finally {
    sdk.server.forceShutdown();
    bare.server.forceShutdown();
  }
});
