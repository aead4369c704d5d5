import assert from "node:assert/strict";
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Manifest } from "../../core/manifest.types.ts";
import { isRunnerError } from "../../runner/errors.ts";
import { install } from "../../runner/ops/install.ts";
import { listInstalled } from "../../runner/ops/list.ts";
import { update } from "../../runner/ops/update.ts";
import { tarGz } from "./helpers/archives.ts";
import { testContext } from "./helpers/context.ts";
import { publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

let server: StaticServer;
const temps: string[] = [];
before(async () => {
  server = await startServer();
  publish(server, [
    {
      name: "scripted",
      versions: [
        {
          version: "1.0.0",
          archive: tarGz([
            {
              path: "install.sh",
              data: `echo "home=$HOME secret=$${"{"}SECRET_TOKEN:-none} pwd=$(pwd)" > installed.txt\n`,
            },
            { path: "finfocus-plugin-scripted", data: "#!/bin/sh\n", mode: 0o755 },
          ]),
          edit: (m) => {
            m.installation.installation_method = "script";
            m.installation.install_script = "install.sh";
            m.installation.post_install_steps = ["test -f installed.txt"];
          },
        },
      ],
    },
    {
      name: "slow",
      versions: [
        {
          version: "1.0.0",
          edit: (m) => {
            m.installation.pre_install_checks = ["sleep 5"];
          },
        },
      ],
    },
    {
      name: "migrating",
      versions: ["1.0.0", "1.0.1", "1.0.2"].map((version) => ({
        version,
        edit: (m: Manifest) => {
          m.installation.post_install_steps = [
            'echo "from=$FINFOCUS_PREVIOUS_VERSION to=$FINFOCUS_PLUGIN_VERSION path=$FINFOCUS_PREVIOUS_PATH" > migration.txt',
            ...(version === "1.0.2" ? ["exit 4"] : []),
          ];
        },
      })),
    },
    { name: "rc", versions: [{ version: "1.0.0" }, { version: "2.0.0-rc.1" }] },
    {
      name: "future",
      versions: [
        { version: "1.0.0" },
        {
          version: "2.0.0",
          edit: (m) => {
            m.requirements = { ...m.requirements, min_spec_version: "0.3.0" };
          },
        },
      ],
    },
  ]);
});
after(async () => {
  await server.close();
  for (const t of temps) await rm(t, { recursive: true, force: true });
});
async function ctx(options = {}) {
  const c = await testContext(server.url, options);
  temps.push(c.tmp);
  return c;
}

test("scripts never run without --allow-scripts; with it, a clean environment in the plugin folder", async () => {
  const refused = await ctx();
  await assert.rejects(install(refused, { plugins: [{ name: "scripted" }] }), (e) =>
    isRunnerError(e, "PERMISSIONS_ERROR"),
  );
  const steps = await ctx();
  const r = await install(steps, { plugins: [{ name: "slow" }] });
  assert.ok(
    r.warnings.some((w) => /not run/.test(w)),
    "listed steps are skipped with a warning",
  );
  process.env.SECRET_TOKEN = "do-not-leak";
  try {
    const allowed = await ctx({ allowScripts: true });
    const ok = await install(allowed, { plugins: [{ name: "scripted" }] });
    const text = await readFile(join(ok.installed[0]!.path, "installed.txt"), "utf8");
    assert.match(text, /secret=none/);
  } finally {
    delete process.env.SECRET_TOKEN;
  }
});

test("a script that runs past the timeout fails the install and leaves nothing", async () => {
  const c = await ctx({ allowScripts: true, scriptTimeoutMs: 200 });
  await assert.rejects(install(c, { plugins: [{ name: "slow" }] }), (e) => isRunnerError(e, "SCRIPT_FAILED"));
  assert.deepEqual(await listInstalled(c.pluginDir), []);
  assert.deepEqual(await readdir(c.pluginDir).then((l) => l.filter((n) => !n.startsWith("."))), []);
});

test("prereleases only when asked; spec-version compatibility picks what the host supports", async () => {
  const c = await ctx();
  assert.equal((await install(c, { plugins: [{ name: "rc" }] })).installed[0]?.version, "1.0.0");
  const pre = await ctx();
  assert.equal(
    (await install(pre, { plugins: [{ name: "rc" }], includePrerelease: true })).installed[0]?.version,
    "2.0.0-rc.1",
  );
  const old = await ctx();
  assert.equal((await install(old, { plugins: [{ name: "future" }] })).installed[0]?.version, "1.0.0");
  const host = await ctx({ specVersion: "0.3.0" });
  await assert.rejects(install(host, { plugins: [{ name: "future", constraint: "1.0.0" }] }), (e) =>
    isRunnerError(e, "SPEC_VERSION_INCOMPATIBLE"),
  );
});

test("--artifact-mirror fetches the same file name elsewhere, still verified against the manifest", async () => {
  const mirror = await startServer();
  try {
    for (const [path, body] of server.files)
      if (path.startsWith("/artifacts/")) mirror.files.set(path.replace("/artifacts/", "/m/"), body);
    const c = await ctx({ artifactMirror: `${mirror.url}/m/` });
    await install(c, { plugins: [{ name: "rc", constraint: "1.0.0" }] });
    assert.equal(mirror.hits.get("/m/rc-1.0.0.tar.gz"), 1);
    mirror.files.set("/m/rc-1.0.0.tar.gz", tarGz([{ path: "x", data: "evil mirror" }]));
    const c2 = await ctx({ artifactMirror: `${mirror.url}/m/` });
    await assert.rejects(install(c2, { plugins: [{ name: "rc", constraint: "1.0.0" }] }), (e) =>
      isRunnerError(e, "CHECKSUM_MISMATCH"),
    );
  } finally {
    await mirror.close();
  }
});

test("an update's steps are its migration: they see the previous version, under the same --allow-scripts consent; a failing one keeps the previous version", async () => {
  const c = await ctx({ allowScripts: true });
  await install(c, { plugins: [{ name: "migrating", constraint: "1.0.0" }] });
  const first = await readFile(join(c.pluginDir, "migrating", "v1.0.0", "migration.txt"), "utf8");
  assert.equal(first, "from= to= path=\n", "a first install migrates nothing");
  const state = await readFile(join(c.pluginDir, ".finfocus-registry", "state.json"), "utf8");
  await assert.rejects(update(c, { names: ["migrating"], targetVersion: "1.0.2" }), (e) =>
    isRunnerError(e, "SCRIPT_FAILED"),
  );
  assert.equal(await readFile(join(c.pluginDir, ".finfocus-registry", "state.json"), "utf8"), state);
  assert.deepEqual(await readdir(join(c.pluginDir, "migrating")), ["v1.0.0"]);
  const [outcome] = await update(c, { names: ["migrating"], targetVersion: "1.0.1" });
  assert.equal(outcome?.status, "updated");
  assert.equal(
    await readFile(join(c.pluginDir, "migrating", "v1.0.1", "migration.txt"), "utf8"),
    `from=1.0.0 to=1.0.1 path=${join(c.pluginDir, "migrating", "v1.0.0")}\n`,
  );
  // Without --allow-scripts no step runs, the migration included (with a warning, as at install).
  const warnings: string[] = [];
  const unconsented = await testContext(server.url, {
    pluginDir: c.pluginDir,
    onEvent: (e) => {
      if (e.kind === "warning") warnings.push(e.message);
    },
  });
  temps.push(unconsented.tmp);
  await update(unconsented, { names: ["migrating"], targetVersion: "1.0.2" });
  assert.deepEqual(
    await readdir(join(c.pluginDir, "migrating", "v1.0.2")).then((l) => l.includes("migration.txt")),
    false,
  );
  assert.ok(
    warnings.some((w) => /not run/.test(w)),
    String(warnings),
  );
});
