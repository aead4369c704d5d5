/**
 * Where a sandbox's cgroup goes and what is written in it (runner/sandbox/cgroup.ts), from the
 * /proc/self/cgroup and mountinfo texts of a cgroup v1 hybrid machine (the CI machine's kind), a
 * systemd cgroup v2 machine and a container whose mounts start below the hierarchy's root.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cgroupLocations, enterCgroups, eventCount, limitWrites } from "../../runner/sandbox/cgroup.ts";

const HYBRID_CGROUP = "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/c7\n1:cpu:/\n0::/\n";
const HYBRID_MOUNTS = [
  "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
  "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
  "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
  "38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
  "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
].join("\n");

test("cgroup v1 hybrid: pids and memory from their own hierarchies, at this process's cgroup", () => {
  assert.deepEqual(cgroupLocations(HYBRID_CGROUP, HYBRID_MOUNTS), [
    { controller: "pids", version: 1, dir: "/sys/fs/cgroup/pids" },
    { controller: "memory", version: 1, dir: "/sys/fs/cgroup/memory/process_api/c7" },
  ]);
});

test("cgroup v2: both controllers in the unified hierarchy, one folder", () => {
  const mounts = "29 22 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate";
  const self = "0::/user.slice/user-1000.slice/session-2.scope\n";
  const dir = "/sys/fs/cgroup/user.slice/user-1000.slice/session-2.scope";
  assert.deepEqual(cgroupLocations(self, mounts), [
    { controller: "pids", version: 2, dir },
    { controller: "memory", version: 2, dir },
  ]);
});

test("a mount of part of a hierarchy (a container's) is followed; a cgroup outside it, or no mount, is none", () => {
  const mounts = "50 40 0:35 /docker/abc /sys/fs/cgroup/pids ro - cgroup cgroup rw,pids";
  assert.deepEqual(cgroupLocations("8:pids:/docker/abc/inner\n", mounts), [
    { controller: "pids", version: 1, dir: "/sys/fs/cgroup/pids/inner" },
  ]);
  assert.deepEqual(cgroupLocations("8:pids:/elsewhere\n", mounts), []);
  // A controller bound to a v1 hierarchy that is not mounted is not looked for in v2.
  assert.deepEqual(cgroupLocations("4:memory:/\n0::/\n", "40 30 0:37 / /u rw - cgroup2 cgroup2 rw"), [
    { controller: "pids", version: 2, dir: "/u" },
  ]);
});

test("limits: pids.max; a v1 memory ceiling covers swap too, a v2 one forbids swap", () => {
  const limits = { tasks: 512, memoryBytes: 1024 };
  assert.deepEqual(limitWrites({ controller: "pids", version: 1, dir: "/p" }, limits), [
    { file: "pids.max", value: "512", required: true },
  ]);
  assert.deepEqual(
    limitWrites({ controller: "memory", version: 1, dir: "/m" }, limits).map((w) => [w.file, w.value]),
    [
      ["memory.limit_in_bytes", "1024"],
      ["memory.memsw.limit_in_bytes", "1024"],
    ],
  );
  assert.deepEqual(
    limitWrites({ controller: "memory", version: 2, dir: "/m" }, limits).map((w) => [w.file, w.value]),
    [
      ["memory.max", "1024"],
      ["memory.swap.max", "0"],
    ],
  );
});

test("events are read by key; the entering command writes its own pid, then executes the rest", () => {
  assert.equal(eventCount("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n", "oom_kill"), 3);
  assert.equal(eventCount("max 0\n", "max"), 0);
  assert.equal(eventCount("", "max"), 0);
  const argv = enterCgroups(["/a/cgroup.procs", "/b/cgroup.procs"]);
  assert.deepEqual(argv.slice(0, 2), ["/bin/sh", "-c"]);
  assert.deepEqual(argv.slice(3), ["finfocus-cgroup", "2", "/a/cgroup.procs", "/b/cgroup.procs"]);
  assert.match(argv[2]!, /echo \$\$ >"\$1"/);
  assert.match(argv[2]!, /exec "\$@"$/);
});
