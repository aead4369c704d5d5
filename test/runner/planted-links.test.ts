/**
 * I11: installs land only inside the plugin folder. Symbolic links planted where the runner
 * keeps plugins or its own bookkeeping, and journal or state files naming other folders, are
 * refused and never followed: the folder they point at is left exactly as it was.
 */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { isRunnerError } from "../../runner/errors.ts";
import { configure } from "../../runner/ops/configure.ts";
import { install } from "../../runner/ops/install.ts";
import { remove } from "../../runner/ops/remove.ts";
import { testContext } from "./helpers/context.ts";
import { publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

let server: StaticServer;
const temps: string[] = [];
before(async () => {
  server = await startServer();
  publish(server, [
    {
      name: "victimized",
      versions: [
        {
          version: "1.0.0",
          edit: (m) => {
            m.configuration = { schema: '{"type":"object"}', default_config: '{"region":"eu"}' };
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

/** A fresh context and an outside folder (with one file in it) that nothing may touch. */
async function setup() {
  const c = await testContext(server.url, { yes: true });
  temps.push(c.tmp);
  const outside = await mkdtemp(join(tmpdir(), "ffr-outside-"));
  temps.push(outside);
  await writeFile(join(outside, "keep.txt"), "precious");
  await mkdir(c.pluginDir, { recursive: true });
  return { c, outside };
}

async function untouched(outside: string): Promise<void> {
  assert.deepEqual(await readdir(outside), ["keep.txt"], "nothing was written into the outside folder");
  assert.equal(await readFile(join(outside, "keep.txt"), "utf8"), "precious");
}

const planted = (e: unknown) => isRunnerError(e, "INSTALL_FAILED") && /symbolic link/.test(String(e));

test("I11: a link planted at <plugin-dir>/<name> is refused, not followed", async () => {
  const { c, outside } = await setup();
  await symlink(outside, join(c.pluginDir, "victimized"));
  await assert.rejects(install(c, { plugins: [{ name: "victimized" }] }), planted);
  await untouched(outside);
});

test("I11: links planted at the runner's own folders are refused, not followed", async () => {
  for (const where of [
    ".finfocus-registry",
    ".finfocus-registry/staging",
    ".finfocus-registry/locks",
    ".finfocus-registry/journal",
    ".finfocus-registry/backups",
    ".finfocus-registry/config",
  ]) {
    const { c, outside } = await setup();
    await mkdir(join(c.pluginDir, ".finfocus-registry"), { recursive: true });
    await rm(join(c.pluginDir, where), { recursive: true, force: true });
    await symlink(outside, join(c.pluginDir, where));
    await assert.rejects(install(c, { plugins: [{ name: "victimized" }] }), planted, where);
    await untouched(outside);
  }
});

test("I11: the config folder as a link: config --set refuses before writing", async () => {
  const { c, outside } = await setup();
  await install(c, { plugins: [{ name: "victimized" }] });
  const configs = join(c.pluginDir, ".finfocus-registry", "config");
  await rm(configs, { recursive: true, force: true });
  await symlink(outside, configs);
  await assert.rejects(configure(c.pluginDir, { name: "victimized", set: ["region=us"] }), planted);
  await untouched(outside);
});

test("I11: a planted journal or state file naming an outside folder is not followed", async () => {
  const { c, outside } = await setup();
  await install(c, { plugins: [{ name: "victimized" }] });
  const home = join(c.pluginDir, ".finfocus-registry");
  // A journal saying a committed install should delete the "old version" at the outside folder.
  const state = JSON.parse(await readFile(join(home, "state.json"), "utf8"));
  await mkdir(join(home, "journal"), { recursive: true });
  await writeFile(
    join(home, "journal", "victimized.json"),
    JSON.stringify({
      op: "install",
      id: state.plugins.victimized.install_id,
      name: "victimized",
      new_path: join(c.pluginDir, "victimized", "v1.0.0"),
      old_path: outside,
      backup: join(home, "backups", "victimized@x"),
    }),
  );
  await assert.rejects(install(c, { plugins: [{ name: "victimized" }] }), (e) =>
    isRunnerError(e, "INSTALL_FAILED"),
  );
  await untouched(outside);
  await rm(join(home, "journal", "victimized.json"));
  // A state file moving the plugin's folder to the outside folder: remove does not rename it away.
  state.plugins.victimized.path = outside;
  await writeFile(join(home, "state.json"), JSON.stringify(state));
  await assert.rejects(remove(c, { name: "victimized" }), (e) => isRunnerError(e, "INSTALL_FAILED"));
  await untouched(outside);
});
