/**
 * #11 point 3: container installs through an engine port (podman or docker), proven with a
 * recording fake engine on PATH (test/fixtures/fake-engine/docker): pulled by digest only, the
 * digest the engine reports checked against the pinned one (a mismatch refused, nothing left),
 * the container created with the service port and the configuration read-only, recorded in the
 * state; `remove` removes it and `health` asks the engine about it.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Manifest } from "../../core/manifest.types.ts";
import { createArgs, inspectedDigestMatches, pinnedReference } from "../../core/oci/engine-args.ts";
import { findContainerEngine } from "../../runner/container/engine.ts";
import { isRunnerError } from "../../runner/errors.ts";
import { checkHealth } from "../../runner/health/health.ts";
import { layoutFor } from "../../runner/install/layout.ts";
import { readState } from "../../runner/install/state.ts";
import { install } from "../../runner/ops/install.ts";
import { remove } from "../../runner/ops/remove.ts";
import { update } from "../../runner/ops/update.ts";
import { tarGz } from "./helpers/archives.ts";
import { testContext } from "./helpers/context.ts";
import { type OciRegistry, startOciRegistry } from "./helpers/oci-registry.ts";
import { publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

const fakeDir = fileURLToPath(new URL("../fixtures/fake-engine/", import.meta.url));
const fake = join(fakeDir, "docker");
let server: StaticServer;
let oci: OciRegistry;
let work: string;
let digest: string;
const PORT = 50997;

before(async () => {
  server = await startServer();
  oci = await startOciRegistry();
  work = await mkdtemp(join(tmpdir(), "ffr-engine-"));
  digest = oci.push(
    "acme/boxed",
    [tarGz([{ path: "finfocus-plugin-boxed", data: "#!/bin/sh\n", mode: 0o755 }])],
    {
      index: [{ os: "linux", architecture: "amd64" }],
    },
  );
  publish(server, [
    {
      name: "boxed",
      versions: ["1.0.0", "1.0.1"].map((version) => ({
        version,
        edit: (m: Manifest) => {
          m.specification.service_definition.port = PORT;
          m.installation = {
            installation_method: "container",
            download_url: `${oci.host}/acme/boxed@${digest}`,
            checksum: digest.slice("sha256:".length),
            checksum_algorithm: "sha256",
          };
        },
      })),
    },
  ]);
});
after(async () => {
  await Promise.all([server.close(), oci.close()]);
  await rm(work, { recursive: true, force: true });
  delete process.env.FAKE_ENGINE_DIR;
  delete process.env.FAKE_ENGINE_DIGEST;
});
beforeEach(async () => {
  await rm(join(work, "engine"), { recursive: true, force: true });
  process.env.FAKE_ENGINE_DIR = join(work, "engine");
});

/** Every engine call so far, each as its argument list. */
async function calls(): Promise<string[][]> {
  const text = await readFile(join(work, "engine", "argv.log"), "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split("\t").slice(0, -1));
}

test("the engine: a name on PATH, a path, else the first of podman and docker on PATH, else none", async () => {
  const env = { PATH: [fakeDir, "/nonexistent"].join(delimiter) };
  assert.deepEqual(await findContainerEngine(undefined, env), { kind: "docker", path: fake });
  assert.deepEqual(await findContainerEngine("docker", env), { kind: "docker", path: fake });
  assert.deepEqual(await findContainerEngine(fake, {}), { kind: "docker", path: fake });
  assert.equal(await findContainerEngine(undefined, { PATH: "/nonexistent" }), undefined);
  // A client whose daemon is not running is not picked by itself (the built-in pull stays).
  assert.equal(await findContainerEngine(undefined, { ...env, FAKE_ENGINE_DOWN: "1" }), undefined);
  await assert.rejects(findContainerEngine("podman", env), (e) => isRunnerError(e, "USAGE"));
  await assert.rejects(findContainerEngine("sh -c x", env), (e) => isRunnerError(e, "USAGE"));
});

test("core builds every argument from checked parts: a pinned reference, integer ports, the runner's path", () => {
  assert.ok("problem" in pinnedReference("acme/boxed:latest"));
  assert.ok("problem" in pinnedReference(`acme/boxed@sha256:${"0".repeat(64)} --privileged`));
  assert.deepEqual(pinnedReference(`acme/boxed@sha256:${"a".repeat(64)}`), {
    reference: `docker.io/acme/boxed@sha256:${"a".repeat(64)}`,
    digest: `sha256:${"a".repeat(64)}`,
  });
  assert.throws(() => createArgs({ name: "xx", version: "1.0.0", reference: "r", ports: [0.5] }));
  assert.throws(() =>
    createArgs({ name: "xx", version: "1.0.0", reference: "r", ports: [], configFile: "/a,b" }),
  );
  assert.throws(() => createArgs({ name: "--rm", version: "1.0.0", reference: "r", ports: [] }));
  assert.equal(inspectedDigestMatches(`["a/b@sha256:${"1".repeat(64)}"]`, `sha256:${"1".repeat(64)}`), true);
  assert.equal(inspectedDigestMatches("not json", `sha256:${"1".repeat(64)}`), false);
});

test("install pulls by digest, checks the reported digest, creates the container; health asks the engine; remove removes it", async () => {
  process.env.FAKE_ENGINE_DIGEST = digest;
  const context = await testContext(server.url, {
    yes: true,
    containerEngine: { kind: "docker", path: fake },
  });
  try {
    const config = join(layoutFor(context.pluginDir).configs, "boxed.json");
    await mkdir(layoutFor(context.pluginDir).configs, { recursive: true });
    await writeFile(config, "{}\n");
    const result = await install(context, { plugins: [{ name: "boxed", constraint: "1.0.0" }] });
    const reference = `${oci.host}/acme/boxed@${digest}`;
    const name = "finfocus-plugin-boxed-1-0-0";
    assert.deepEqual(await calls(), [
      ["pull", reference],
      ["image", "inspect", "--format", "{{json .RepoDigests}}", reference],
      ["rm", "--force", name],
      [
        "create",
        "--name",
        name,
        "--label",
        "io.finfocus.plugin=boxed",
        "--label",
        "io.finfocus.version=1.0.0",
        "--publish",
        `127.0.0.1:${PORT}:${PORT}`,
        "--env",
        `FINFOCUS_PLUGIN_PORT=${PORT}`,
        "--mount",
        `type=bind,source=${config},target=/etc/finfocus/plugin-config.json,readonly`,
        reference,
      ],
    ]);
    assert.equal(result.health[0]?.status, "skipped");
    const state = await readState(layoutFor(context.pluginDir));
    assert.deepEqual(state.plugins.boxed?.container, {
      engine: { kind: "docker", path: fake },
      name,
      image: reference,
      ports: [PORT],
    });
    const created = await checkHealth({ target: "boxed", pluginDir: context.pluginDir });
    assert.equal(created.status, "Critical");
    assert.match(created.error ?? "", /is created/);
    const removed = await remove(context, { name: "boxed" });
    assert.equal(removed.removed_version, "1.0.0");
    assert.deepEqual((await calls()).at(-1), ["rm", "--force", name]);
    assert.deepEqual(await readdir(join(work, "engine", "containers")), []);
  } finally {
    await rm(context.tmp, { recursive: true, force: true });
  }
});

test("a digest the engine reports otherwise is refused with nothing left behind: image removed, no container, no state", async () => {
  process.env.FAKE_ENGINE_DIGEST = `sha256:${"e".repeat(64)}`;
  const context = await testContext(server.url, {
    yes: true,
    containerEngine: { kind: "docker", path: fake },
  });
  try {
    await assert.rejects(install(context, { plugins: [{ name: "boxed", constraint: "1.0.0" }] }), (e) => {
      assert.ok(isRunnerError(e, "IMAGE_DIGEST_MISMATCH"), String(e));
      return true;
    });
    const reference = `${oci.host}/acme/boxed@${digest}`;
    assert.deepEqual(
      (await calls()).map((c) => c.slice(0, 2).join(" ")),
      ["pull " + reference, "image inspect", "image rm"],
    );
    assert.deepEqual(await readdir(join(work, "engine", "containers")), []);
    assert.deepEqual((await readState(layoutFor(context.pluginDir))).plugins, {});
    assert.ok(!existsSync(join(context.pluginDir, "boxed")));
    assert.deepEqual(await readdir(layoutFor(context.pluginDir).staging).catch(() => []), []);
  } finally {
    await rm(context.tmp, { recursive: true, force: true });
  }
});

test("an update creates the new version's container and removes the previous one once committed; a running container's port is probed", async () => {
  process.env.FAKE_ENGINE_DIGEST = digest;
  const context = await testContext(server.url, {
    yes: true,
    containerEngine: { kind: "docker", path: fake },
  });
  try {
    await install(context, { plugins: [{ name: "boxed", constraint: "1.0.0" }] });
    const [outcome] = await update(context, { names: ["boxed"], targetVersion: "1.0.1" });
    assert.equal(outcome?.status, "updated");
    const log = (await calls()).map((c) => c.slice(0, 3).join(" "));
    assert.ok(
      log.indexOf("create --name finfocus-plugin-boxed-1-0-1") <
        log.lastIndexOf("rm --force finfocus-plugin-boxed-1-0-0"),
      String(log),
    );
    assert.deepEqual(await readdir(join(work, "engine", "containers")), ["finfocus-plugin-boxed-1-0-1"]);
    // Running, as the engine says: then its port is probed (nothing listens there in this test).
    process.env.FAKE_ENGINE_STATE = "running";
    const health = await checkHealth({ target: "boxed", pluginDir: context.pluginDir, timeoutMs: 500 });
    assert.equal(health.address, `127.0.0.1:${PORT}`);
    assert.equal(health.status, "Unknown");
  } finally {
    delete process.env.FAKE_ENGINE_STATE;
    await rm(context.tmp, { recursive: true, force: true });
  }
});
