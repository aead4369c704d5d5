/**
 * Starting a plugin the way the FinFocus CLI's launcher does: the contract the plugin sees, the
 * stdout port of older plugins, and plugins that never listen.
 */
import assert from "node:assert/strict";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { launchPlugin, portFromStdout } from "../../runner/health/launch.ts";
import { checkLaunchedHealth } from "../../runner/health/launched-health.ts";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "ffr-launch-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function script(name: string, body: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `#!/usr/bin/env node\n${body}`);
  await chmod(file, 0o755);
  return file;
}

test("the plugin gets --port=N as its only argument and FINFOCUS_PLUGIN_PORT=N over the parent's environment", async () => {
  const record = join(dir, "seen.json");
  const bin = await script(
    "recorder",
    `require("node:fs").writeFileSync(${JSON.stringify(record)}, JSON.stringify({ argv: process.argv.slice(2), port: process.env.FINFOCUS_PLUGIN_PORT, home: process.env.HOME, cwd: process.cwd() }));
const port = Number(process.argv[2].slice("--port=".length));
require("node:net").createServer().listen(port, "127.0.0.1");`,
  );
  const plugin = await launchPlugin(bin);
  try {
    const seen = JSON.parse(await readFile(record, "utf8"));
    assert.deepEqual(seen.argv, [`--port=${plugin.port}`]);
    assert.equal(seen.port, String(plugin.port));
    assert.equal(seen.home, process.env.HOME, "the parent's environment is passed on");
    assert.equal(seen.cwd, process.cwd(), "the working directory is the caller's");
  } finally {
    await plugin.stop();
  }
});

test("an older plugin that ignores --port is found on the port it prints (PORT=n or a bare number)", async () => {
  assert.equal(portFromStdout("starting\nPORT=4321\n"), 4321);
  assert.equal(portFromStdout("port= 99\n"), 99);
  assert.equal(portFromStdout("7000\n"), 7000);
  assert.equal(portFromStdout("PORT=0\nPORT=70000\nno\n"), undefined);
  const bin = await script(
    "older",
    `const s = require("node:net").createServer().listen(0, "127.0.0.1", () => console.log("PORT=" + s.address().port));`,
  );
  const plugin = await launchPlugin(bin, { stdoutFallbackMs: 200 });
  try {
    assert.notEqual(plugin.address, "");
  } finally {
    await plugin.stop();
  }
});

test("a plugin that exits or never listens: an error with its output, no process left behind", async () => {
  const dies = await script("dies", `console.error("missing credentials"); process.exit(3);`);
  await assert.rejects(launchPlugin(dies), /exited \(3\) before listening: missing credentials/);
  const pidFile = join(dir, "idle.pid");
  const idle = await script(
    "idle",
    `require("node:fs").writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); console.error("thinking"); setInterval(() => {}, 1000);`,
  );
  await assert.rejects(launchPlugin(idle, { timeoutMs: 4000 }), /did not listen .* within 4000 ms: thinking/);
  const pid = Number(await readFile(pidFile, "utf8"));
  assert.throws(() => process.kill(pid, 0), { code: "ESRCH" }, "the plugin was stopped");
  const pluginDir = join(dir, "plugins");
  const folder = join(pluginDir, "broken", "v1.0.0");
  await (await import("node:fs/promises")).mkdir(folder, { recursive: true });
  await writeFile(join(folder, "finfocus-plugin-broken"), "#!/bin/sh\necho 'no node here' >&2\nexit 127\n");
  await chmod(join(folder, "finfocus-plugin-broken"), 0o755);
  const result = await checkLaunchedHealth({ name: "broken", pluginDir });
  assert.equal(result.status, "Critical");
  assert.match(result.error ?? "", /no node here/);
});
