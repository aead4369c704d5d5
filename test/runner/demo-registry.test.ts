/**
 * End to end against the project's own default registry: `finfocus-registry build` writes the
 * static API from registry/, a loopback server serves it with demo/artifacts/, and the runner
 * installs real, signed archives. Skipped until the generator, registry/ and demo/artifacts/ are
 * all on the branch.
 */
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { trustFromRegistryConfig } from "../../runner/config/load-config.ts";
import { isRunnerError } from "../../runner/errors.ts";
import { install } from "../../runner/ops/install.ts";
import { update } from "../../runner/ops/update.ts";
import { testContext } from "./helpers/context.ts";
import {
  defaultRegistryReady as ready,
  repoRoot as root,
  serveDefaultRegistry,
} from "./helpers/default-registry.ts";
import type { StaticServer } from "./helpers/server.ts";

let server: StaticServer;

before(async () => {
  if (!ready) return;
  server = await serveDefaultRegistry();
});
after(async () => {
  if (!ready) return;
  await server.close();
});

test("the default registry: keyed, official and Sigstore-signed plugins install with their dependencies", {
  skip: !ready && "generator, registry/ or demo/artifacts/ not on this branch",
}, async () => {
  const trust = await trustFromRegistryConfig(join(root, "registry/config.json"));
  const c = await testContext(server.url, { yes: true, artifactMirror: `${server.url}/artifacts/`, trust });
  const r = await install(c, {
    plugins: [
      { name: "aws-cost-explorer" },
      { name: "carbon-footprint-estimator" },
      { name: "gcp-billing-export" },
    ],
  });
  const kinds = Object.fromEntries(r.installed.map((p) => [p.name, p.signature_kind]));
  assert.equal(kinds["carbon-footprint-estimator"], "sigstore");
  assert.equal(kinds["cloud-auth-helper"], "key");
  assert.ok(
    r.installed.some((p) => p.name === "cloud-auth-helper"),
    "the dependency came along",
  );
  await assert.rejects(update(c, { names: ["aws-cost-explorer"], targetVersion: "1.0.0" }), (e) =>
    isRunnerError(e, "DOWNGRADE_REFUSED"),
  );
  await rm(c.tmp, { recursive: true, force: true });
});

test("the trust anchors published in the discovery document suffice: no copy of config.json needed", {
  skip: !ready && "generator, registry/ or demo/artifacts/ not on this branch",
}, async () => {
  const c = await testContext(server.url, { yes: true, artifactMirror: `${server.url}/artifacts/` });
  const r = await install(c, {
    plugins: [{ name: "cloud-auth-helper" }, { name: "carbon-footprint-estimator" }],
  });
  const kinds = Object.fromEntries(r.installed.map((p) => [p.name, p.signature_kind]));
  assert.equal(kinds["cloud-auth-helper"], "key", "official, checked against the published official signers");
  assert.equal(kinds["carbon-footprint-estimator"], "sigstore", "checked against the published trusted root");
  await rm(c.tmp, { recursive: true, force: true });
});

test("without trust anchors (a discovery document that omits them), the official plugin is refused", {
  skip: !ready && "generator, registry/ or demo/artifacts/ not on this branch",
}, async () => {
  const path = "/.well-known/finfocus-registry.json";
  const original = server.files.get(path);
  assert.ok(original);
  const {
    official_signers: _signers,
    sigstore_trusted_root: _root,
    ...bare
  } = JSON.parse(new TextDecoder().decode(original));
  server.files.set(path, new TextEncoder().encode(JSON.stringify(bare)));
  try {
    const c = await testContext(server.url, { yes: true, artifactMirror: `${server.url}/artifacts/` });
    await assert.rejects(install(c, { plugins: [{ name: "cloud-auth-helper" }] }), (e) =>
      isRunnerError(e, "SIGNATURE_VERIFICATION_FAILED"),
    );
    await rm(c.tmp, { recursive: true, force: true });
  } finally {
    server.files.set(path, original);
  }
});
