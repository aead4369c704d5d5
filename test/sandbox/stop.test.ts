/**
 * Stopping a sandboxed plugin (runner/sandbox/sandbox-process.ts) in a real bubblewrap sandbox:
 * SIGTERM reaches the plugin itself (bubblewrap alone would kill it with SIGKILL), it gets the
 * grace period to stop, its exit status is the one reported, and SIGKILL follows only after it.
 */
import assert from "node:assert/strict";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Permission } from "../../core/manifest.types.ts";
import { decideEnforcement } from "../../core/permissions/enforcement.ts";
import { startSandboxed } from "../../runner/sandbox/launch.ts";
import { probeSandbox } from "../../runner/sandbox/probe.ts";
import { attempts, loopbackServer, NODE, type PluginHome, pluginHome, sandboxSkipReason } from "./helpers.ts";

const skip = sandboxSkipReason();
let home: PluginHome;
before(async () => {
  home = await pluginHome();
});
after(async () => {
  if (home) await rm(home.root, { recursive: true, force: true });
});

async function start(permissions: Permission[], args: string[], port?: number, graceMs?: number) {
  const enforcement = decideEnforcement(
    { name: "probe", permissions, security_level: "community" },
    probeSandbox(),
  );
  if (enforcement.mode !== "sandbox") throw new Error(`not sandboxed: ${enforcement.mode}`);
  const started = await startSandboxed({
    command: home.binary,
    args: port === undefined ? args : [...args, `--port=${port}`],
    enforcement,
    support: probeSandbox(),
    paths: { pluginPath: home.pluginPath, dataDir: home.dataDir, runtime: [NODE] },
    ...(port === undefined ? {} : { port }),
    ...(graceMs === undefined ? {} : { graceMs }),
    stdio: "pipe",
  });
  let stdout = "";
  started.child.stdout?.on("data", (c: Buffer) => (stdout += c));
  // Running once it has reported its first attempt (the handler is installed by then).
  await new Promise<void>((resolve) => {
    const check = () => (stdout.includes("sigterm") ? resolve() : setTimeout(check, 20));
    check();
  });
  return { started, output: () => stdout };
}

const freePort = () =>
  loopbackServer().then(({ server, port }) => new Promise<number>((r) => server.close(() => r(port))));

for (const network of ["its own network, port relayed", "the host's network"] as const) {
  test(`SIGTERM reaches the plugin inside the sandbox (${network}); its status is the one reported`, {
    skip,
  }, async () => {
    const marker = join(home.dataDir, `stopped-${network.length}`);
    const permissions: Permission[] = ["filesystem_write"];
    if (network === "the host's network") permissions.push("network_access");
    const { started } = await start(permissions, [`on-sigterm:${marker}`], await freePort());
    assert.equal(await started.terminate("SIGTERM"), 7);
    assert.equal(await readFile(marker, "utf8"), "stopped cleanly on SIGTERM\n");
    await started.stop();
  });
}

test("a plugin that ignores SIGTERM is killed after the grace period", { skip }, async () => {
  const { started, output } = await start([], ["ignore-sigterm"], undefined, 500);
  assert.equal(await started.terminate("SIGTERM"), 128 + 9);
  assert.equal(attempts(output()).SIGTERM?.detail, "ignored", "it got SIGTERM first");
});
