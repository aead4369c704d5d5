/**
 * Health checks over TLS: a plugin whose manifest says `runtime_requirements.tls_required` is
 * probed over TLS, trusting the configured CA; a plugin that does not is probed in plain text
 * even when a CA is configured.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import { install } from "../../runner/index.ts";
import { startDaemon } from "../../service/daemon.ts";
import { testContext } from "../runner/helpers/context.ts";
import { publish } from "../runner/helpers/registry.ts";
import { type StaticServer, startServer } from "../runner/helpers/server.ts";
import { registryClient } from "./helpers/client.ts";

let http: StaticServer;
let context: Awaited<ReturnType<typeof testContext>>;
const servers: grpc.Server[] = [];
let ca: Buffer;

async function healthServer(credentials: grpc.ServerCredentials): Promise<number> {
  const server = new grpc.Server();
  new HealthImplementation({ "": "SERVING" }).addToServer(server);
  servers.push(server);
  return new Promise((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", credentials, (e, port) => (e ? reject(e) : resolve(port))),
  );
}

before(async () => {
  http = await startServer();
  context = await testContext(http.url);
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
      "key.pem",
      "-out",
      "cert.pem",
      "-days",
      "2",
      "-subj",
      "/CN=plugin",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { cwd: context.tmp, stdio: "ignore" },
  );
  ca = readFileSync(join(context.tmp, "cert.pem"));
  const key = readFileSync(join(context.tmp, "key.pem"));
  const tlsPort = await healthServer(
    grpc.ServerCredentials.createSsl(null, [{ cert_chain: ca, private_key: key }]),
  );
  const plainPort = await healthServer(grpc.ServerCredentials.createInsecure());
  publish(http, [
    {
      name: "secure",
      versions: [
        {
          version: "1.0.0",
          edit: (m) => {
            m.specification.service_definition.port = tlsPort;
            m.requirements = { ...m.requirements, runtime_requirements: { tls_required: true } };
          },
        },
      ],
    },
    {
      name: "plain",
      versions: [
        {
          version: "1.0.0",
          edit: (m) => {
            m.specification.service_definition.port = plainPort;
          },
        },
      ],
    },
  ]);
  await install(context, { plugins: [{ name: "secure" }, { name: "plain" }] });
});

after(async () => {
  for (const s of servers) s.forceShutdown();
  await http.close();
  await rm(context.tmp, { recursive: true, force: true });
});

test("tls_required plugins are checked over TLS with the configured CA; the others in plain text", async () => {
  const daemon = await startDaemon({
    context,
    listen: `unix:${join(context.tmp, "t.sock")}`,
    health: { intervalMs: 86_400_000, tls: { ca } },
  });
  const client = registryClient(daemon.address);
  try {
    const secure = await client.call.CheckPluginHealth!({ name: "secure", timeout_seconds: 5 });
    assert.equal(secure.status, "Healthy", JSON.stringify(secure.health_errors));
    const plain = await client.call.CheckPluginHealth!({ name: "plain", timeout_seconds: 5 });
    assert.equal(plain.status, "Healthy", JSON.stringify(plain.health_errors));
  } finally {
    client.close();
    await daemon.close();
  }
});

test("without the CA, the TLS plugin's certificate is not trusted: the check fails", async () => {
  const daemon = await startDaemon({
    context,
    listen: `unix:${join(context.tmp, "u.sock")}`,
    health: { intervalMs: 86_400_000, thresholds: { criticalConsecutive: 1 } },
  });
  const client = registryClient(daemon.address);
  try {
    const secure = await client.call.CheckPluginHealth!({ name: "secure", timeout_seconds: 3 });
    assert.equal(secure.healthy, false);
    assert.equal(secure.status, "Critical");
  } finally {
    client.close();
    await daemon.close();
  }
});
