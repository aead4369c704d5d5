/**
 * A real plugin folder for sandbox tests: a home with a secret in it, a plugin folder holding the
 * probe plugin (a shell launcher running probe-plugin.ts with this Node), its data folder, and a
 * loopback server outside any sandbox.
 */
import { realpathSync } from "node:fs";
import { chmod, copyFile, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { probeSandbox } from "../../runner/sandbox/probe.ts";

export const NODE = realpathSync(process.execPath);

/** Why sandbox tests cannot run here, or undefined when they can. */
export function sandboxSkipReason(): string | undefined {
  const support = probeSandbox();
  return support.bwrap && support.namespaces
    ? undefined
    : `no bubblewrap sandbox on this machine: ${support.problem}`;
}

export interface PluginHome {
  root: string;
  home: string;
  secret: string;
  pluginDir: string;
  pluginPath: string;
  binary: string;
  dataDir: string;
}

/** Lays out `<root>/home/.ssh/id_ed25519` and `<root>/plugins/<name>/v1.0.0/finfocus-plugin-<name>`. */
export async function pluginHome(name = "probe"): Promise<PluginHome> {
  const root = realpathSync(await mkdtemp(join(tmpdir(), "ffr-sandbox-")));
  const home = join(root, "home");
  await mkdir(join(home, ".ssh"), { recursive: true });
  const secret = join(home, ".ssh", "id_ed25519");
  await writeFile(secret, "PRIVATE KEY\n", { mode: 0o600 });
  const pluginDir = join(home, ".finfocus", "plugins");
  const pluginPath = join(pluginDir, name, "v1.0.0");
  await mkdir(pluginPath, { recursive: true });
  await copyFile(new URL("./probe-plugin.ts", import.meta.url), join(pluginPath, "plugin.ts"));
  const binary = join(pluginPath, `finfocus-plugin-${name}`);
  await writeFile(binary, `#!/bin/sh\nexec ${NODE} "\${0%/*}/plugin.ts" "$@"\n`);
  await chmod(binary, 0o755);
  const dataDir = join(pluginDir, ".finfocus-registry", "data", name);
  await mkdir(dataDir, { recursive: true });
  return { root, home, secret, pluginDir, pluginPath, binary, dataDir };
}

/** A loopback TCP server outside any sandbox, answering every connection. */
export async function loopbackServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.on("error", () => {});
    socket.end("outside\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return { server, port: address.port };
}

/** The probe plugin's report lines, by attempt. */
export function attempts(stdout: string): Record<string, { ok: boolean; detail: string }> {
  const out: Record<string, { ok: boolean; detail: string }> = {};
  for (const line of stdout.split("\n").filter(Boolean)) {
    const parsed = JSON.parse(line) as { attempt: string; ok: boolean; detail: string };
    out[parsed.attempt] = { ok: parsed.ok, detail: parsed.detail };
  }
  return out;
}
