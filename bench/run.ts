/**
 * `npm run bench:run`: the start-up cost of the plugin sandbox. Starts the same small plugin (a
 * Node TCP server) again and again and times plugin start to first health answer (a connection
 * to its port that reads its greeting), bare (spawned directly: the floor, measured in the same
 * run) and through runner/sandbox/ with and without its own network (the port relay). Prints
 * p50 and p90 and the overhead over the floor at p50 (target: under 50 ms).
 */
import { spawn } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { decideEnforcement } from "../core/permissions/enforcement.ts";
import { startSandboxed } from "../runner/sandbox/launch.ts";
import { probeSandbox } from "../runner/sandbox/probe.ts";
import { loopbackServer, NODE, pluginHome } from "../test/sandbox/helpers.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const support = probeSandbox();
if (!support.bwrap || !support.namespaces) {
  process.stderr.write(`no sandbox on this machine: ${support.problem}\n`);
  process.exit(2);
}
const home = await pluginHome("bench");
// The plugin: answers every connection on --port=N with a greeting.
await writeFile(
  home.binary,
  `#!/usr/bin/perl
use IO::Socket::INET;
my ($port) = map { /^--port=(\\d+)$/ ? $1 : () } @ARGV;
my $server = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $port, Listen => 16, ReuseAddr => 1) or die "$!";
while (my $client = $server->accept) { print $client "hello from the plugin\\n"; close $client; }
`,
);

async function freePort(): Promise<number> {
  const { server, port } = await loopbackServer();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function greeting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    let text = "";
    const socket = connect({ host: "127.0.0.1", port });
    socket.on("data", (c) => (text += c));
    socket.once("end", () => resolve(text.startsWith("hello")));
    socket.once("error", () => resolve(false));
  });
}

async function firstAnswer(port: number): Promise<void> {
  for (let i = 0; i < 5000; i++) {
    if (await greeting(port)) return;
    await sleep(1);
  }
  throw new Error(`no answer on ${port}`);
}

type Mode = "bare" | "sandbox, own network (relay)" | "sandbox, host network";

async function once(mode: Mode): Promise<number> {
  const port = await freePort();
  const args = [`--port=${port}`];
  const started = performance.now();
  if (mode === "bare") {
    const child = spawn(home.binary, args, { stdio: "ignore" });
    await firstAnswer(port);
    const ms = performance.now() - started;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    return ms;
  }
  const permissions = mode === "sandbox, host network" ? ["network_access"] : [];
  const enforcement = decideEnforcement({ name: "bench", permissions, security_level: "community" }, support);
  if (enforcement.mode === "refuse") throw new Error(enforcement.message);
  const plugin = await startSandboxed({
    command: home.binary,
    args,
    enforcement,
    support,
    paths: { pluginPath: home.pluginPath, dataDir: home.dataDir, runtime: [NODE] },
    port,
    stdio: "pipe",
  });
  await plugin.ready;
  await firstAnswer(port);
  const ms = performance.now() - started;
  await plugin.stop();
  return ms;
}

const modes: Mode[] = ["bare", "sandbox, host network", "sandbox, own network (relay)"];
const times = new Map<Mode, number[]>(modes.map((m) => [m, []]));
await once("bare");
for (let round = 0; round < ROUNDS; round++) {
  for (const mode of modes) times.get(mode)?.push(await once(mode));
}
const pct = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * p)] ?? 0;
const floor = pct(times.get("bare") ?? [], 0.5);
process.stdout.write(
  `plugin start to first health answer, ${ROUNDS} rounds (bubblewrap ${support.bwrap_version})\n`,
);
for (const mode of modes) {
  const values = times.get(mode) ?? [];
  const p50 = pct(values, 0.5);
  const over =
    mode === "bare" ? "(floor)" : `overhead at p50: ${(p50 - floor).toFixed(1)} ms (target < 50 ms)`;
  process.stdout.write(
    `${mode.padEnd(30)} p50 ${p50.toFixed(1).padStart(7)} ms  p90 ${pct(values, 0.9).toFixed(1).padStart(7)} ms  ${over}\n`,
  );
}
await rm(home.root, { recursive: true, force: true });
