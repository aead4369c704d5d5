/**
 * #11 point 4: the health check after install. A plugin that runs a service (its manifest names
 * a port) is started from its staged folder and probed before anything is committed; an update
 * whose new version is not healthy, or whose configuration no longer fits, leaves the previous
 * version and the state exactly as they were. Other plugins get a note saying why nothing ran.
 */
import assert from "node:assert/strict";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { afterInstallCheck, judgeAfterInstall } from "../../core/health/after-install.ts";
import type { Manifest } from "../../core/manifest.types.ts";
import { isRunnerError } from "../../runner/errors.ts";
import { layoutFor } from "../../runner/install/layout.ts";
import { install } from "../../runner/ops/install.ts";
import { update } from "../../runner/ops/update.ts";
import { sandboxSkipReason } from "../sandbox/helpers.ts";
import { serviceFiles, tarGz } from "./helpers/archives.ts";
import { testContext } from "./helpers/context.ts";
import { publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

/** An archive whose binary starts the test service (answering `status`), or exits at once. */
function serviceArchive(name: string, version: string, status: "SERVING" | "NOT_SERVING" | "exits") {
  if (status !== "exits") return tarGz(serviceFiles(name, [status]));
  const body = `#!/bin/sh\necho "${name} ${version} cannot start" >&2\nexit 3\n`;
  return tarGz([{ path: `finfocus-plugin-${name}`, data: body, mode: 0o755 }]);
}

const withPort = (m: Manifest) => {
  m.specification.service_definition.port = 50999;
};
const withSchema = (m: Manifest) => {
  withPort(m);
  m.configuration = {
    schema: JSON.stringify({ type: "object", properties: { region: { type: "string", enum: ["eu"] } } }),
  };
};

let server: StaticServer;
before(async () => {
  server = await startServer();
  publish(server, [
    {
      name: "svc",
      versions: [
        { version: "1.0.0", archive: serviceArchive("svc", "1.0.0", "SERVING"), edit: withPort },
        { version: "1.0.1", archive: serviceArchive("svc", "1.0.1", "exits"), edit: withPort },
        { version: "1.0.2", archive: serviceArchive("svc", "1.0.2", "NOT_SERVING"), edit: withPort },
        { version: "1.0.3", archive: serviceArchive("svc", "1.0.3", "SERVING"), edit: withSchema },
        { version: "1.0.4", archive: serviceArchive("svc", "1.0.4", "SERVING"), edit: withPort },
      ],
    },
    {
      name: "broken",
      versions: [{ version: "1.0.0", archive: serviceArchive("broken", "1.0.0", "exits"), edit: withPort }],
    },
    { name: "plain", versions: [{ version: "1.0.0" }] },
  ]);
});
after(() => server.close());

/** Everything an update must leave untouched: the state file's bytes and every file under the plugin's folder. */
async function snapshot(pluginDir: string, name: string): Promise<string> {
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else files.push(`${path}:${(await readFile(path)).toString("base64")}`);
    }
  };
  await walk(join(pluginDir, name));
  return [await readFile(layoutFor(pluginDir).stateFile, "utf8"), ...files].join("\n");
}

test("core decides: a plugin that names a port is probed; others are skipped with the reason", () => {
  const manifest = (edit: (m: Manifest) => void = () => {}) => {
    const m = {
      metadata: { name: "p", version: "1.0.0", description: "d", author: "a" },
      specification: {
        spec_version: "0.1.0",
        supported_providers: ["aws"],
        service_definition: {
          service_name: "CostSourceService",
          package_name: "finfocus.v1",
          methods: ["Name"],
        },
      },
      installation: { installation_method: "binary" },
    } as Manifest;
    edit(m);
    return m;
  };
  assert.deepEqual(afterInstallCheck(manifest(withPort)), { kind: "probe", port: 50999 });
  assert.match(JSON.stringify(afterInstallCheck(manifest())), /"skip".*names no port/);
  const off = afterInstallCheck(
    manifest((m) => {
      withPort(m);
      m.specification.observability_support = { health_checks_enabled: false };
    }),
  );
  assert.match(JSON.stringify(off), /"skip".*health_checks_enabled: false/);
  assert.match(JSON.stringify(afterInstallCheck(manifest(withPort), { skip: true })), /--no-health-check/);
  assert.match(
    JSON.stringify(afterInstallCheck(manifest(withPort), { firstInstall: true })),
    /"skip".*--health-check/,
  );
  assert.deepEqual(afterInstallCheck(manifest(withPort), { firstInstall: true, asked: true }), {
    kind: "probe",
    port: 50999,
  });
  assert.equal(judgeAfterInstall("p@1", "Healthy", undefined, true).kind, "healthy");
  assert.equal(judgeAfterInstall("p@1", "Warning", undefined, true).kind, "healthy");
  assert.equal(judgeAfterInstall("p@1", "Critical", "x", true).kind, "refuse");
  assert.equal(judgeAfterInstall("p@1", "Unknown", "x", false).kind, "warn");
});

test("a first install starts nothing unless asked; asked, a service plugin is started and probed before its install commits", async () => {
  const unasked = await testContext(server.url, { yes: true });
  const first = await install(unasked, { plugins: [{ name: "svc", constraint: "1.0.0" }] });
  assert.equal(first.health[0]?.status, "skipped");
  assert.match(first.health[0]?.note ?? "", /not started after a first install .*--health-check/);
  await rm(unasked.tmp, { recursive: true, force: true });
  const context = await testContext(server.url, { yes: true, healthCheck: true });
  try {
    const result = await install(context, { plugins: [{ name: "svc", constraint: "1.0.0" }] });
    // It ran inside bubblewrap where the machine has it (test/sandbox/health-check.test.ts shows how).
    const sandboxed = sandboxSkipReason() === undefined;
    assert.deepEqual(result.health, [
      { name: "svc", version: "1.0.0", status: "Healthy", sandbox: sandboxed ? "bubblewrap" : "none" },
    ]);
    if (sandboxed) assert.deepEqual(result.warnings, []);
    const plain = await install(context, { plugins: [{ name: "plain" }] });
    assert.equal(plain.health[0]?.status, "skipped");
    assert.match(plain.health[0]?.note ?? "", /runs no service/);
    assert.deepEqual(plain.warnings, [], "a note, not a warning");
    // A first install has nothing to fall back to: it stays, with a warning that names the fix.
    const broken = await install(context, { plugins: [{ name: "broken" }] });
    assert.equal(broken.installed[0]?.version, "1.0.0");
    assert.equal(broken.health[0]?.status, "Critical");
    assert.match(broken.warnings.join("\n"), /broken@1\.0\.0 is Critical after install .*cannot start/);
  } finally {
    await rm(context.tmp, { recursive: true, force: true });
  }
});

test("an update whose new version does not start, or does not serve, is rolled back: state and folders as before", async () => {
  const context = await testContext(server.url, { yes: true });
  try {
    await install(context, { plugins: [{ name: "svc", constraint: "1.0.0" }] });
    const before = await snapshot(context.pluginDir, "svc");
    for (const [target, status] of [
      ["1.0.1", "Critical"],
      ["1.0.2", "Critical"],
    ] as const) {
      await assert.rejects(update(context, { names: ["svc"], targetVersion: target }), (e) => {
        assert.ok(isRunnerError(e, "PLUGIN_UNHEALTHY"), String(e));
        assert.equal(e.details.previous_version, "1.0.0");
        assert.equal(e.details.status, status);
        return true;
      });
      assert.equal(await snapshot(context.pluginDir, "svc"), before, `after ${target}`);
      assert.deepEqual(await readdir(layoutFor(context.pluginDir).staging), []);
    }
    // --no-health-check: the user takes the new version as it is.
    const unchecked = await testContext(server.url, {
      yes: true,
      pluginDir: context.pluginDir,
      healthCheck: false,
    });
    const [skipped] = await update(unchecked, { names: ["svc"], targetVersion: "1.0.1" });
    assert.equal(skipped?.status, "updated");
    const [healthy] = await update(context, { names: ["svc"], targetVersion: "1.0.4" });
    assert.equal(healthy?.status, "updated");
    assert.deepEqual(await readdir(join(context.pluginDir, "svc")), ["v1.0.4"], "the old version is removed");
    await rm(unchecked.tmp, { recursive: true, force: true });
  } finally {
    await rm(context.tmp, { recursive: true, force: true });
  }
});

test("an update the user's configuration does not fit is refused before anything changes", async () => {
  const context = await testContext(server.url, { yes: true });
  try {
    await install(context, { plugins: [{ name: "svc", constraint: "1.0.0" }] });
    await mkdir(layoutFor(context.pluginDir).configs, { recursive: true });
    await writeFile(join(layoutFor(context.pluginDir).configs, "svc.json"), '{"region":"us"}\n');
    const before = await snapshot(context.pluginDir, "svc");
    await assert.rejects(update(context, { names: ["svc"], targetVersion: "1.0.3" }), (e) => {
      assert.ok(isRunnerError(e, "CONFIG_VALUE_INVALID"), String(e));
      assert.match(String(e.details.file), /svc\.json$/);
      return true;
    });
    assert.equal(await snapshot(context.pluginDir, "svc"), before);
    await writeFile(join(layoutFor(context.pluginDir).configs, "svc.json"), '{"region":"eu"}\n');
    const [done] = await update(context, { names: ["svc"], targetVersion: "1.0.3" });
    assert.equal(done?.status, "updated");
  } finally {
    await rm(context.tmp, { recursive: true, force: true });
  }
});
