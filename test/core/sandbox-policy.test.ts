import assert from "node:assert/strict";
import { test } from "node:test";
import { decideEnforcement } from "../../core/permissions/enforcement.ts";
import {
  DEFAULT_MEMORY_MB,
  PERMISSIONS,
  sandboxPolicy,
  TASK_LIMIT,
} from "../../core/permissions/sandbox-policy.ts";
import type { PluginGrant, SandboxSupport } from "../../core/permissions/sandbox-policy.types.ts";

const grant = (permissions: string[], extra: Partial<PluginGrant> = {}): PluginGrant => ({
  name: "p",
  permissions,
  security_level: "community",
  ...extra,
});
const ready: SandboxSupport = { bwrap: "/usr/bin/bwrap", bwrap_version: "0.8.0", namespaces: true };
const none: SandboxSupport = { namespaces: false };

test("no permission: loopback only, nothing but the plugin's folder, minimal environment", () => {
  const policy = sandboxPolicy(grant([]));
  assert.deepEqual(
    { ...policy },
    {
      network: "loopback",
      data: "hidden",
      config: "hidden",
      environment: "minimal",
      temp: false,
      system_info: "hidden",
      spawn: false,
      memory_mb: DEFAULT_MEMORY_MB,
      tasks_max: TASK_LIMIT,
      granted: [],
      ignored: [],
    },
  );
});

test("each permission opens exactly its own door", () => {
  const table: [string, Partial<ReturnType<typeof sandboxPolicy>>][] = [
    ["network_access", { network: "host" }],
    ["filesystem_read", { data: "read-only" }],
    ["filesystem_write", { data: "read-write" }],
    ["environment_read", { environment: "pass" }],
    ["temp_files", { temp: true }],
    ["config_read", { config: "read-only" }],
    ["system_info", { system_info: "host" }],
    ["process_spawn", { spawn: true }],
  ];
  const closed = sandboxPolicy(grant([]));
  for (const [permission, change] of table) {
    const policy = sandboxPolicy(grant([permission]));
    assert.deepEqual(policy, { ...closed, ...change, granted: [permission] }, permission);
  }
  assert.equal(sandboxPolicy(grant(["filesystem_read", "filesystem_write"])).data, "read-write");
});

test("untrusted plugins get the tightest profile whatever they declared", () => {
  const policy = sandboxPolicy(grant([...PERMISSIONS], { security_level: "untrusted", min_memory_mb: 4096 }));
  assert.equal(policy.network, "loopback");
  assert.equal(policy.data, "hidden");
  assert.equal(policy.environment, "minimal");
  assert.equal(policy.temp, false);
  assert.equal(policy.spawn, false);
  assert.deepEqual(policy.granted, []);
  assert.deepEqual(policy.ignored, [...PERMISSIONS].sort());
  assert.equal(policy.memory_mb, 1024);
});

test("unknown permission names are ignored and reported", () => {
  const policy = sandboxPolicy(grant(["network_access", "root_shell"]));
  assert.deepEqual(policy.granted, ["network_access"]);
  assert.deepEqual(policy.ignored, ["root_shell"]);
});

test("memory ceiling: twice the declared minimum, at least 1 GiB", () => {
  assert.equal(sandboxPolicy(grant([], { min_memory_mb: 64 })).memory_mb, 1024);
  assert.equal(sandboxPolicy(grant([], { min_memory_mb: 600 })).memory_mb, 1200);
  assert.equal(sandboxPolicy(grant([], { min_memory_mb: -1 })).memory_mb, DEFAULT_MEMORY_MB);
});

test("a machine with a sandbox sandboxes", () => {
  assert.equal(decideEnforcement(grant([]), ready).mode, "sandbox");
  assert.equal(decideEnforcement(grant([], { sandbox_required: true }), ready).mode, "sandbox");
});

test("no sandbox: sandbox_required refuses, require_sandbox refuses, others warn", () => {
  const required = decideEnforcement(grant([], { sandbox_required: true }), none);
  assert.equal(required.mode, "refuse");
  assert.equal(required.mode === "refuse" && required.reason, "sandbox_required");
  assert.match(required.mode === "refuse" ? required.missing : "", /bubblewrap/);
  const policy = decideEnforcement(grant([]), none, { require_sandbox: true });
  assert.equal(policy.mode === "refuse" && policy.reason, "require_sandbox");
  const plain = decideEnforcement(grant([]), none);
  assert.equal(plain.mode, "plain");
  assert.match(plain.mode === "plain" ? plain.warning : "", /^warning: p runs without a sandbox/);
});

test("namespaces refused: the probe's problem is what is missing", () => {
  const support: SandboxSupport = {
    bwrap: "/usr/bin/bwrap",
    namespaces: false,
    problem: "user namespaces are off",
  };
  const decision = decideEnforcement(grant([], { sandbox_required: true }), support);
  assert.equal(decision.mode === "refuse" && decision.missing, "user namespaces are off");
});

test("--no-sandbox is honoured unless the author requires one", () => {
  assert.equal(decideEnforcement(grant([]), ready, { disable_sandbox: true }).mode, "plain");
  const refused = decideEnforcement(grant([], { sandbox_required: true }), ready, { disable_sandbox: true });
  assert.equal(refused.mode, "refuse");
});
