/**
 * The daemon under interruption: a graceful close lets an install under way finish and refuses
 * new calls; a client that goes away mid-install leaves the old state or the new one, never half.
 */
import assert from "node:assert/strict";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import * as grpc from "@grpc/grpc-js";
import { listInstalled } from "../../runner/index.ts";
import { startDaemon } from "../../service/daemon.ts";
import { testContext } from "../runner/helpers/context.ts";
import { publish } from "../runner/helpers/registry.ts";
import { type StaticServer, startServer } from "../runner/helpers/server.ts";
import { registryClient } from "./helpers/client.ts";

let http: StaticServer;
let context: Awaited<ReturnType<typeof testContext>>;
/** Artifact requests seen; each is held this long before the server answers. */
let held = 0;
const HOLD_MS = 600;

before(async () => {
  http = await startServer();
  context = await testContext(http.url);
  publish(http, [{ name: "slow", versions: [{ version: "1.0.0" }] }]);
  const file = "/artifacts/slow-1.0.0.tar.gz";
  const body = http.files.get(file);
  http.handlers.set(file, (_req, res) => {
    held++;
    setTimeout(() => res.writeHead(200).end(body), HOLD_MS);
    return true;
  });
});

after(async () => {
  await http.close();
  await rm(context.tmp, { recursive: true, force: true });
});

test("a graceful close lets the install under way finish and refuses new calls", async () => {
  const daemon = await startDaemon({ context, listen: `unix:${join(context.tmp, "a.sock")}` });
  const client = registryClient(daemon.address);
  try {
    const installing = client.call.InstallPlugin!({ name: "slow" });
    for (let i = 0; i < 100 && held === 0; i++) await sleep(20);
    assert.equal(held, 1, "the install is under way");
    const closing = daemon.close(10_000);
    const late = registryClient(daemon.address);
    await assert.rejects(
      late.call.ListInstalledPlugins!({}),
      (e: grpc.ServiceError) => e.code === grpc.status.UNAVAILABLE,
    );
    late.close();
    assert.equal((await installing).installed_version, "1.0.0");
    await closing;
    assert.deepEqual(
      (await listInstalled(context.pluginDir)).map((p) => p.version),
      ["1.0.0"],
    );
  } finally {
    client.close();
    await daemon.close();
    await rm(context.pluginDir, { recursive: true, force: true });
  }
});

test("a client that cancels mid-install: the install runs to its end (the new state, whole), nothing half-written", async () => {
  held = 0;
  const daemon = await startDaemon({ context, listen: `unix:${join(context.tmp, "b.sock")}` });
  const client = registryClient(daemon.address);
  try {
    const abort = new AbortController();
    const call = client.call.InstallPlugin!({ name: "slow" }, abort.signal);
    for (let i = 0; i < 100 && held === 0; i++) await sleep(20);
    abort.abort();
    await assert.rejects(call, (e: grpc.ServiceError) => e.code === grpc.status.CANCELLED);
    let installed = await listInstalled(context.pluginDir);
    for (let i = 0; i < 100 && installed.length === 0; i++) {
      await sleep(50);
      installed = await listInstalled(context.pluginDir);
    }
    assert.deepEqual(
      installed.map((p) => p.version),
      ["1.0.0"],
      "the daemon finishes what it started: the new state, whole",
    );
    const folder = join(context.pluginDir, "slow");
    const versions = await readdir(folder).catch(() => [] as string[]);
    assert.deepEqual(
      versions.filter((v) => !v.startsWith(".")),
      installed.map((p) => `v${p.version}`),
      "no folder that the state does not know",
    );
  } finally {
    client.close();
    await daemon.close();
  }
});
