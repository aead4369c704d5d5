/**
 * Limits on a whole sandbox, through the cgroup of its own each sandboxed start gets
 * (runner/sandbox/cgroup-fs.ts): fork and thread bombs stop at `tasks_max`, and memory the
 * per-process rlimit never sees (a memfd's pages, a tmpfs `/tmp`) stops at `memory_mb`. Real
 * bubblewrap sandboxes and real processes; the ceilings are lowered so that the bombs stay small.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { after, before, test } from "node:test";
import { decideEnforcement } from "../../core/permissions/enforcement.ts";
import type {
  PluginGrant,
  SandboxPolicy,
  SandboxSupport,
} from "../../core/permissions/sandbox-policy.types.ts";
import { startSandboxed } from "../../runner/sandbox/launch.ts";
import { probeSandbox } from "../../runner/sandbox/probe.ts";
import { NODE, type PluginHome, pluginHome, sandboxSkipReason } from "./helpers.ts";

const support = probeSandbox();
const sandboxSkip = sandboxSkipReason();
const why = (limit: "tasks" | "memory") =>
  sandboxSkip ??
  (support.cgroups?.[limit]
    ? undefined
    : `no ${limit === "tasks" ? "pids" : "memory"} cgroup this runner can create: ${support.cgroups?.problem}`);
/** memfd_create's number, for Perl's syscall(). */
const MEMFD_CREATE: Record<string, number> = { x64: 319, arm64: 279 };
const PERL = "/usr/bin/perl";

let home: PluginHome;
before(async () => {
  home = await pluginHome();
});
after(async () => {
  if (home) await rm(home.root, { recursive: true, force: true });
});

async function run(
  grant: Partial<PluginGrant>,
  limits: Partial<Pick<SandboxPolicy, "tasks_max" | "memory_mb">>,
  command: string,
  args: string[],
  machine: SandboxSupport = support,
) {
  const decided = decideEnforcement(
    { name: "probe", permissions: [], security_level: "community", ...grant },
    machine,
  );
  if (decided.mode !== "sandbox") throw new Error(`not sandboxed: ${decided.mode}`);
  const enforcement = { mode: "sandbox" as const, policy: { ...decided.policy, ...limits } };
  const started = await startSandboxed({
    command,
    args,
    enforcement,
    support: machine,
    paths: { pluginPath: home.pluginPath, dataDir: home.dataDir, runtime: [NODE] },
    stdio: "pipe",
  });
  const dirs = { ...started.cgroup };
  let stdout = "";
  let stderr = "";
  started.child.stdout?.on("data", (c: Buffer) => (stdout += c));
  started.child.stderr?.on("data", (c: Buffer) => (stderr += c));
  const status = await started.exited;
  const events = await started.cgroupEvents;
  return { status, stdout, stderr, events, dirs };
}

const FORK_BOMB = `
$| = 1; my ($forked, $error) = (0, "");
for (1 .. 200) {
  my $pid = fork;
  if (!defined $pid) { $error = $!; last }
  if ($pid == 0) { sleep 30; exit 0 }
  $forked++;
}
print "forked $forked, then: $error\\n";`;

test("a fork bomb stops at tasks_max inside the sandbox, and none of its processes outlive it", {
  skip: why("tasks"),
}, async () => {
  const bomb = await run({ permissions: ["process_spawn"] }, { tasks_max: 32 }, PERL, ["-e", FORK_BOMB]);
  const match = /^forked (\d+), then: (.*)$/m.exec(bomb.stdout);
  assert.ok(match, `${bomb.stdout}\n${bomb.stderr}`);
  // bubblewrap's two processes and Perl itself count against the 32.
  assert.ok(Number(match[1]) < 32, match[0]);
  assert.match(match[2]!, /Resource temporarily unavailable/);
  assert.ok((bomb.events?.tasks_refused ?? 0) >= 1, JSON.stringify(bomb.events));
  assert.ok(bomb.dirs.pids, "the start had a pids cgroup");
  // Removed once empty: the 30-second sleepers did not outlive the sandbox.
  assert.equal(existsSync(bomb.dirs.pids), false);
  const calm = await run({ permissions: ["process_spawn"] }, { tasks_max: 32 }, PERL, [
    "-e",
    FORK_BOMB.replace("1 .. 200", "1 .. 5"),
  ]);
  assert.match(calm.stdout, /^forked 5, then: $/m, calm.stderr);
  assert.equal(calm.events?.tasks_refused, 0);
});

/** Node's own thread pool, made `threads` threads wide and kept busy: threads, no process. */
const THREAD_BOMB = (threads: number) => `
process.env.UV_THREADPOOL_SIZE = "${threads}";
let done = 0;
for (let i = 0; i < ${threads}; i++)
  require("node:fs").stat("/", () => ++done === ${threads} && console.log("all threads ran"));`;

test("a thread bomb (no process_spawn: threads only) stops at tasks_max", {
  skip: why("tasks"),
}, async () => {
  const calm = await run({}, { tasks_max: 64 }, NODE, ["-e", THREAD_BOMB(8)]);
  assert.equal(calm.status, 0, calm.stderr);
  assert.match(calm.stdout, /all threads ran/);
  assert.equal(calm.events?.tasks_refused, 0);
  // libuv cannot start its pool's threads past the limit and aborts: the plugin stops, the host is untouched.
  const bomb = await run({}, { tasks_max: 64 }, NODE, ["-e", THREAD_BOMB(128)]);
  assert.notEqual(bomb.status, 0);
  assert.doesNotMatch(bomb.stdout, /all threads ran/);
  assert.ok((bomb.events?.tasks_refused ?? 0) >= 1, JSON.stringify(bomb.events));
});

const RAISE_LIMITS = `
for my $file (glob("/sys/fs/cgroup{,/*,/*/*,/*/*/*,/*/*/*/*}/finfocus-*/{pids.max,memory.limit_in_bytes,memory.max,cgroup.procs}")) {
  if (open(my $out, ">", $file)) { print "wrote $file\\n" } else { print "refused $file: $!\\n" }
}`;

test("with system_info (/sys shown) the plugin cannot raise its limits or leave its cgroup", {
  skip: why("tasks") ?? (support.cgroups?.memory ? undefined : why("memory")),
}, async () => {
  const result = await run({ permissions: ["system_info"] }, {}, PERL, ["-e", RAISE_LIMITS]);
  assert.equal(result.status, 0, result.stderr);
  assert.doesNotMatch(result.stdout, /^wrote/m);
  const refused = result.stdout.split("\n").filter((line) => line.startsWith("refused"));
  assert.ok(refused.length >= 3, result.stdout);
  for (const line of refused) assert.match(line, /Read-only file system$/);
});

const MEMFD_FILL = (mib: number) => `
$| = 1;
my $name = "fill";
my $fd = syscall(${MEMFD_CREATE[process.arch] ?? -1}, $name, 0);
die "memfd_create: $!\\n" if $fd < 0;
open(my $memfd, ">&=", $fd) or die "open: $!\\n";
my $chunk = "\\0" x (1 << 20);
for my $mib (1 .. ${mib}) {
  syswrite($memfd, $chunk) == length($chunk) or die "write: $!\\n";
  print "$mib MiB\\n" if $mib % 16 == 0;
}
print "filled\\n";`;

test("memory a memfd holds counts: past memory_mb the sandbox is killed (rlimits alone let it through)", {
  skip:
    why("memory") ?? (MEMFD_CREATE[process.arch] ? undefined : `no memfd_create number for ${process.arch}`),
}, async () => {
  const small = await run({}, { memory_mb: 96 }, PERL, ["-e", MEMFD_FILL(32)]);
  assert.equal(small.status, 0, small.stderr);
  assert.match(small.stdout, /^filled$/m);
  assert.equal(small.events?.memory_kills, 0);
  const bomb = await run({}, { memory_mb: 96 }, PERL, ["-e", MEMFD_FILL(512)]);
  assert.notEqual(bomb.status, 0);
  assert.doesNotMatch(bomb.stdout, /filled/);
  assert.ok((bomb.events?.memory_kills ?? 0) >= 1, JSON.stringify(bomb.events));
  assert.ok(bomb.dirs.memory && !existsSync(bomb.dirs.memory));
  // The defect the cgroup closes: with only RLIMIT_DATA (96 MiB) a memfd grows past it.
  const { cgroups: _, ...rlimitsOnly } = support;
  const past = await run({}, { memory_mb: 96 }, PERL, ["-e", MEMFD_FILL(160)], rlimitsOnly);
  assert.equal(past.status, 0, past.stderr);
  assert.match(past.stdout, /^filled$/m);
  assert.equal(past.events, undefined);
});

test("a tmpfs /tmp (temp_files) counts too: writing past memory_mb kills the sandbox", {
  skip: why("memory"),
}, async () => {
  const fill = `$| = 1; open(my $f, ">", "/tmp/fill") or die "open: $!\\n"; my $chunk = "\\0" x (1 << 20);
for my $mib (1 .. 200) { syswrite($f, $chunk) == length($chunk) or die "write: $!\\n" } print "filled\\n";`;
  const bomb = await run({ permissions: ["temp_files"] }, { memory_mb: 96 }, PERL, ["-e", fill]);
  assert.notEqual(bomb.status, 0);
  assert.doesNotMatch(bomb.stdout, /filled/);
  assert.ok((bomb.events?.memory_kills ?? 0) >= 1, JSON.stringify(bomb.events));
});
