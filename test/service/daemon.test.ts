/**
 * The daemon end to end: a client generated from the specification's registry.proto calls all
 * eight RPCs over a Unix socket and over TLS, against a loopback registry and a real plugin
 * process serving grpc.health.v1; errors come back as the mapped gRPC statuses carrying the
 * error document.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { healthService, unary } from "../../runner/health/services.ts";
import { type RunningDaemon, startDaemon } from "../../service/daemon.ts";
import { testContext } from "../runner/helpers/context.ts";
import { publish } from "../runner/helpers/registry.ts";
import { type StaticServer, startServer } from "../runner/helpers/server.ts";
import {
  errorDocument,
  type Message,
  type RegistryClient,
  registryClient,
  startHealthPlugin,
} from "./helpers/client.ts";

let http: StaticServer;
let context: Awaited<ReturnType<typeof testContext>>;
let plugin: Awaited<ReturnType<typeof startHealthPlugin>>;
let daemon: RunningDaemon;
let client: RegistryClient;

before(async () => {
  http = await startServer();
  // The service runs beside the test at the manifest's port (startHealthPlugin) and the artifact's
  // binary is a stand-in that cannot start: the check after install, which starts the new
  // version's binary (and refuses an update it cannot start), is off here.
  context = await testContext(http.url, { healthCheck: false });
  plugin = await startHealthPlugin(join(context.tmp, "control.json"));
  const port = (m: { specification: { service_definition: { port?: number } } }) => {
    m.specification.service_definition.port = plugin.port;
    (m.specification.service_definition as { service_name: string }).service_name = "CostSourceService";
  };
  publish(http, [
    {
      name: "svc",
      versions: [
        { version: "1.0.0", edit: port },
        { version: "1.0.1", edit: port },
      ],
    },
    { name: "netty", versions: [{ version: "2.0.0", permissions: ["network_access"] }] },
  ]);
  daemon = await startDaemon({ context, listen: `unix:${join(context.tmp, "d.sock")}` });
  client = registryClient(daemon.address);
});

after(async () => {
  client.close();
  await daemon.close();
  await plugin.stop();
  await http.close();
  await rm(context.tmp, { recursive: true, force: true });
});

/** The rejected call's gRPC status and error document. */
async function refused(
  work: Promise<unknown>,
): Promise<{ status: string; code?: string; details?: Message }> {
  const error = (await work.then(
    () => assert.fail("the call succeeded"),
    (e: grpc.ServiceError) => e,
  )) as grpc.ServiceError;
  const doc = errorDocument(error);
  return { status: grpc.status[error.code], ...(doc ? { code: doc.code, details: doc.details } : {}) };
}

test("the socket is the owner's only (0600), and a second daemon on it is refused", async () => {
  assert.equal((await stat(daemon.address.slice(5))).mode & 0o777, 0o600);
  await assert.rejects(startDaemon({ context, listen: daemon.address }), { code: "USAGE" });
  assert.ok((await client.call.ListInstalledPlugins!({})).plugins, "the first still answers");
});

test("all eight RPCs over the Unix socket, each a thin adapter over the runner", async () => {
  const found = await client.call.DiscoverPlugins!({ filter: "sv*", include_installed: true });
  assert.deepEqual(
    found.plugins.map((p: Message) => [p.name, p.version, p.status, p.source]),
    [["svc", "1.0.1", "PLUGIN_STATUS_AVAILABLE", "DISCOVERY_SOURCE_REGISTRY"]],
  );
  // When the registry last changed it (the index's updated_at).
  assert.equal(Number(found.plugins[0].last_updated.seconds), Date.parse("2026-01-01T00:00:00Z") / 1000);
  const manifest = await client.call.GetPluginManifest!({ name: "svc", version: "1.0.0" });
  assert.equal(manifest.manifest.metadata.version, "1.0.0");
  assert.equal(manifest.manifest.specification.service_definition.port, plugin.port);

  const published = structuredClone(manifest.manifest);
  published.installation.download_url = "https://example.com/svc-1.0.0.tar.gz";
  const valid = await client.call.ValidatePlugin!({ manifest: published });
  assert.equal(valid.valid, true, JSON.stringify(valid.validation_errors));
  // A verified manifest: its Sigstore bundle cannot come with the message, so not knowing whether
  // one exists is a warning (with what to do), not a refusal.
  const verified = structuredClone(published);
  verified.security.security_level = "SECURITY_LEVEL_VERIFIED";
  const unknownBundle = await client.call.ValidatePlugin!({ manifest: verified });
  assert.equal(unknownBundle.valid, true, JSON.stringify(unknownBundle.validation_errors));
  const warned = unknownBundle.warnings.find((w: Message) => w.code === "SIGNATURE_REQUIRED");
  assert.ok(warned, JSON.stringify(unknownBundle.warnings));
  assert.ok(String(warned.recommendation).length > 0, "a recommendation");
  const broken = structuredClone(published);
  broken.metadata.name = "Not A Name";
  const invalid = await client.call.ValidatePlugin!({ manifest: broken });
  assert.equal(invalid.valid, false);
  assert.ok(invalid.validation_errors.some((e: Message) => e.field === "/metadata/name"));

  const installed = await client.call.InstallPlugin!({ name: "svc", version: "1.0.0" });
  assert.equal(installed.success, true);
  assert.equal(installed.installed_version, "1.0.0");
  assert.ok(installed.install_path.endsWith(join("svc", "v1.0.0")), installed.install_path);

  const health = await client.call.CheckPluginHealth!({ name: "svc", timeout_seconds: 5 });
  assert.equal(health.status, "Healthy");
  assert.equal(health.healthy, true);
  assert.ok(Number(health.last_check_time.seconds) > 0);

  const list = await client.call.ListInstalledPlugins!({});
  assert.deepEqual(
    list.plugins.map((p: Message) => [p.name, p.version, p.status]),
    [["svc", "1.0.0", "PLUGIN_STATUS_ACTIVE"]],
  );
  // The installed plugin as its manifest describes it, with the hash of the manifest installed.
  const [row] = list.plugins as Message[];
  const published100 = manifest.manifest;
  assert.equal(row?.description, published100.metadata.description);
  assert.equal(row?.author, published100.metadata.author);
  assert.match(String(row?.manifest_hash), /^sha256:[0-9a-f]{64}$/);
  assert.ok(row?.requirements, "requirements are there");
  // A newer version than the one installed is AVAILABLE, not INSTALLED.
  const again = await client.call.DiscoverPlugins!({ filter: "sv*", include_installed: true });
  assert.deepEqual(
    again.plugins.map((p: Message) => [p.name, p.version, p.status]),
    [["svc", "1.0.1", "PLUGIN_STATUS_AVAILABLE"]],
  );
  const updated = await client.call.UpdatePlugin!({ name: "svc" });
  assert.deepEqual([updated.previous_version, updated.updated_version], ["1.0.0", "1.0.1"]);

  const removed = await client.call.RemovePlugin!({ name: "svc" });
  assert.equal(removed.removed_version, "1.0.1");
  assert.deepEqual((await client.call.ListInstalledPlugins!({ include_inactive: true })).plugins, []);
});

test("errors are the mapped gRPC statuses with the error document in the details", async () => {
  assert.deepEqual((await refused(client.call.GetPluginManifest!({ name: "nope" }))).status, "NOT_FOUND");
  const missing = await refused(client.call.RemovePlugin!({ name: "nope" }));
  assert.equal(missing.status, "NOT_FOUND");
  assert.equal(missing.code, "NOT_INSTALLED");
  assert.equal(missing.details?.name, "nope");
  const unhealthy = await refused(client.call.CheckPluginHealth!({ name: "nope", timeout_seconds: 0 }));
  assert.equal(unhealthy.status, "NOT_FOUND");
  // A name that cannot be a plugin's is a bad argument, as for every other RPC.
  for (const name of ["", "../x", "/etc/passwd"]) {
    const notAName = await refused(client.call.CheckPluginHealth!({ name, timeout_seconds: 0 }));
    assert.deepEqual([notAName.status, notAName.code], ["INVALID_ARGUMENT", "USAGE"], name);
  }
  // A DiscoverySource value the proto does not define is refused, not read as "every source".
  const unknownSource = await refused(client.call.DiscoverPlugins!({ sources: [99] }));
  assert.equal(unknownSource.status, "INVALID_ARGUMENT");
  const bad = await refused(client.call.InstallPlugin!({ name: "svc", version: ">>1" }));
  assert.equal(bad.status, "INVALID_ARGUMENT");
  const noSource = await refused(client.call.DiscoverPlugins!({ sources: ["DISCOVERY_SOURCE_GIT"] }));
  assert.equal(noSource.status, "INVALID_ARGUMENT");
  assert.equal(noSource.code, "USAGE");
});

test("consent the request cannot carry: PERMISSION_DENIED naming what to approve, then approved on file", async () => {
  const denied = await refused(client.call.InstallPlugin!({ name: "netty" }));
  assert.equal(denied.status, "PERMISSION_DENIED");
  assert.equal(denied.code, "PERMISSIONS_ERROR");
  assert.deepEqual(denied.details?.approve, [{ plugin: "netty", grants: ["network_access"] }]);
  const cli = join(import.meta.dirname, "../../bin/finfocus-registry.js");
  execFileSync(process.execPath, [
    cli,
    "approve",
    "netty",
    "network_access",
    "--plugin-dir",
    context.pluginDir,
  ]);
  const installed = await client.call.InstallPlugin!({ name: "netty" });
  assert.equal(installed.installed_version, "2.0.0");
  await client.call.RemovePlugin!({ name: "netty" });
});

test("installs of one plugin from several clients at once are serialized: one version lands whole", async () => {
  const others = [
    registryClient(daemon.address),
    registryClient(daemon.address),
    registryClient(daemon.address),
  ];
  try {
    const results = await Promise.allSettled(others.map((c) => c.call.InstallPlugin!({ name: "svc" })));
    for (const r of results) {
      if (r.status === "rejected") assert.equal(grpc.status[(r.reason as grpc.ServiceError).code], "ABORTED");
    }
    assert.ok(results.some((r) => r.status === "fulfilled"));
    const list = await client.call.ListInstalledPlugins!({ include_inactive: true });
    assert.deepEqual(
      list.plugins.map((p: Message) => [p.name, p.version]),
      [["svc", "1.0.1"]],
    );
  } finally {
    for (const c of others) c.close();
    await client.call.RemovePlugin!({ name: "svc" });
  }
});

test("grpc.health.v1 of the daemon itself answers SERVING (grpcurl and Go clients)", async () => {
  const health = new (healthService())(daemon.address, grpc.credentials.createInsecure());
  try {
    const service = "finfocus.v1.PluginRegistryService";
    const answer = await unary<{ status: string }>(health, "Check", { service }, Date.now() + 5000);
    assert.equal(answer.status, "SERVING");
  } finally {
    health.close();
  }
});

test("server reflection lists the services, as grpcurl asks", async () => {
  const proto = join(
    import.meta.dirname,
    "../../node_modules/@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto",
  );
  const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(proto, { keepCase: true })) as unknown as {
    grpc: { reflection: { v1: { ServerReflection: grpc.ServiceClientConstructor } } };
  };
  const reflection = new pkg.grpc.reflection.v1.ServerReflection(
    daemon.address,
    grpc.credentials.createInsecure(),
  );
  try {
    const stream = (
      reflection as unknown as { ServerReflectionInfo: () => grpc.ClientDuplexStream<object, Message> }
    ).ServerReflectionInfo();
    const answer = new Promise<Message>((resolve, reject) => {
      stream.once("data", resolve);
      stream.once("error", reject);
    });
    stream.write({ list_services: "" });
    const services = (await answer).list_services_response.service.map((s: Message) => s.name);
    stream.end();
    assert.ok(services.includes("finfocus.v1.PluginRegistryService"), services.join(", "));
    assert.ok(services.includes("grpc.health.v1.Health"), services.join(", "));
  } finally {
    reflection.close();
  }
});

test("over TCP: TLS with the server's certificate, client certificates when required, and no plain TCP off loopback", async () => {
  const dir = context.tmp;
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  const cert = readFileSync(join(dir, "cert.pem"));
  const key = readFileSync(join(dir, "key.pem"));
  await assert.rejects(startDaemon({ context, listen: "0.0.0.0:0" }), { code: "USAGE" });
  const tls = await startDaemon({
    context: { ...context, pluginDir: join(dir, "tls-plugins") },
    listen: "127.0.0.1:0",
    tls: { cert, key },
  });
  const secure = registryClient(tls.address, grpc.credentials.createSsl(cert));
  const plain = registryClient(tls.address);
  try {
    // The version the index lists, so its row is the one installed.
    assert.equal(
      (await secure.call.InstallPlugin!({ name: "svc", version: "1.0.1" })).installed_version,
      "1.0.1",
    );
    const found = await secure.call.DiscoverPlugins!({ include_installed: true });
    assert.deepEqual(
      found.plugins.map((p: Message) => [p.name, p.status]),
      [
        ["netty", "PLUGIN_STATUS_AVAILABLE"],
        ["svc", "PLUGIN_STATUS_INSTALLED"],
      ],
    );
    assert.equal((await secure.call.ListInstalledPlugins!({ include_inactive: true })).plugins.length, 1);
    assert.equal(
      (await secure.call.CheckPluginHealth!({ name: "svc", timeout_seconds: 5 })).status,
      "Healthy",
    );
    assert.equal((await refused(plain.call.ListInstalledPlugins!({}))).status, "UNAVAILABLE");
  } finally {
    secure.close();
    plain.close();
    await tls.close();
  }
  // Client certificates: --tls-client-ca makes a certificate signed by that CA a requirement.
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  openssl(
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=clients",
  );
  openssl(
    "req",
    "-new",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    "client.key",
    "-out",
    "client.csr",
    "-subj",
    "/CN=finfocus",
  );
  openssl(
    "x509",
    "-req",
    "-in",
    "client.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "client.pem",
    "-days",
    "2",
  );
  const mutual = await startDaemon({
    context: { ...context, pluginDir: join(dir, "tls-plugins") },
    listen: "127.0.0.1:0",
    tls: { cert, key, clientCa: readFileSync(join(dir, "ca.pem")) },
  });
  const withCert = registryClient(
    mutual.address,
    grpc.credentials.createSsl(
      cert,
      readFileSync(join(dir, "client.key")),
      readFileSync(join(dir, "client.pem")),
    ),
  );
  const withoutCert = registryClient(mutual.address, grpc.credentials.createSsl(cert));
  try {
    assert.equal((await withCert.call.ListInstalledPlugins!({ include_inactive: true })).plugins.length, 1);
    assert.equal((await refused(withoutCert.call.ListInstalledPlugins!({}))).status, "UNAVAILABLE");
  } finally {
    withCert.close();
    withoutCert.close();
    await mutual.close();
  }
});
