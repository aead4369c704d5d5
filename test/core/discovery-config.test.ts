import assert from "node:assert/strict";
import { test } from "node:test";
import { checkDiscoveryConfig, readDiscoveryConfig } from "../../core/config/discovery-config.ts";
import type { Finding } from "../../core/findings.types.ts";

const at = (findings: Finding[]) => findings.map((f) => `${f.code} ${f.pointer}`);
const check = (value: unknown, env: Record<string, string> = {}) =>
  checkDiscoveryConfig(value, "c.json", env);

test("keys the spec does not have are one finding each, at the source index and key, never repeated", () => {
  const result = check({
    registry_config: {
      discovery_sources: [
        { type: "registry", url: "https://r.example", timeout_secs: 30, cache_ttl: 5 },
        { type: "filesystem", path: "/p", manifest_file: "plugin.json" },
        { type: "git", repo: "https://g.example/x" },
        { type: "ftp", url: "ftp://x" },
      ],
      global_settings: { default_timeout: 30 },
    },
  });
  assert.equal(result.value, undefined);
  assert.deepEqual(at(result.findings).sort(), [
    "DISCOVERY_CONFIG_INVALID /registry_config/discovery_sources/0/cache_ttl",
    "DISCOVERY_CONFIG_INVALID /registry_config/discovery_sources/0/timeout_secs",
    "DISCOVERY_CONFIG_INVALID /registry_config/discovery_sources/1/manifest_file",
    "DISCOVERY_CONFIG_INVALID /registry_config/discovery_sources/2/repo",
    "DISCOVERY_CONFIG_INVALID /registry_config/discovery_sources/3/type",
    "DISCOVERY_CONFIG_INVALID /registry_config/global_settings/default_timeout",
  ]);
});

test("a snippet without registry_config is read as the spec's per-mechanism examples are; pointers follow the file", () => {
  const result = check({ discovery_sources: [{ type: "url", urls: [], header: {} }] });
  assert.deepEqual(at(result.findings).sort(), [
    "DISCOVERY_CONFIG_INVALID /discovery_sources/0/header",
    "DISCOVERY_CONFIG_INVALID /discovery_sources/0/urls",
  ]);
  assert.deepEqual(check({ discovery_sources: [{ type: "filesystem", path: "p" }] }).findings, []);
});

test("git: repository or its older name url, never both, never with credentials inside", () => {
  const git = (source: object) => at(check({ discovery_sources: [{ type: "git", ...source }] }).findings);
  assert.deepEqual(git({ url: "https://g.example/x" }), []);
  assert.deepEqual(git({ repository: "ssh://git@g.example/x" }), []);
  assert.deepEqual(git({ repository: "https://a.example/x", url: "https://b.example/x" }), [
    "DISCOVERY_CONFIG_INVALID /discovery_sources/0/url",
  ]);
  assert.deepEqual(git({}), ["DISCOVERY_CONFIG_INVALID /discovery_sources/0/repository"]);
  assert.deepEqual(git({ repository: "https://token:s3cret@g.example/x" }), [
    "DISCOVERY_CONFIG_INVALID /discovery_sources/0/repository",
  ]);
  const leak = check({
    discovery_sources: [{ type: "git", repository: "https://token:s3cret@g.example/x" }],
  });
  assert.ok(!leak.findings.some((f) => f.message.includes("s3cret")));
});

test("environment references in secrets: the value comes from the environment; an unset one is named at its key, with no value", () => {
  const ref = (name: string) => `$${"{"}${name}}`;
  const config = {
    discovery_sources: [
      { type: "git", repository: "https://g.example/x", credentials: { password: ref("PAT") } },
      {
        type: "registry",
        url: "https://r.example",
        api_key: ref("KEY"),
        headers: { "X-A": `a-${ref("KEY")}` },
      },
    ],
  };
  const ok = check(config, { PAT: "p", KEY: "k" });
  const [git, registry] = ok.value?.sources ?? [];
  assert.deepEqual(git?.type === "git" && git.credentials, { username: "token", password: "p" });
  assert.deepEqual(registry?.type === "registry" && [registry.apiKey, registry.headers], [
    "k",
    { "X-A": "a-k" },
  ]);
  assert.deepEqual(at(check(config, { KEY: "k" }).findings), [
    "DISCOVERY_CONFIG_INVALID /discovery_sources/0/credentials/password",
  ]);
});

test("global settings: older names are accepted alone, not beside the new ones; defaults reach every source", () => {
  const sources = [
    { type: "registry", url: "https://r.example" },
    { type: "registry", url: "https://s.example", timeout_seconds: 5, cache_ttl_seconds: 7, priority: 1 },
    { type: "filesystem", path: "off", enabled: false },
  ];
  const value = check({
    registry_config: {
      discovery_sources: sources,
      global_settings: { timeout_seconds: 9, cache_ttl_seconds: 60, cache_dir: "/c" },
    },
  }).value;
  assert.deepEqual(
    value?.sources.map((s) => s.type === "registry" && [s.url, s.timeoutSeconds, s.cacheTtlSeconds]),
    [
      ["https://s.example", 5, 7],
      ["https://r.example", 9, 60],
    ],
  );
  assert.equal(value?.cacheDirectory, "/c");
  assert.deepEqual(
    at(
      check({
        discovery_sources: [],
        global_settings: {
          timeout_seconds: 9,
          default_timeout_seconds: 9,
          cache_dir: "a",
          cache_directory: "b",
        },
      }).findings,
    ).sort(),
    [
      "DISCOVERY_CONFIG_INVALID /global_settings/cache_dir",
      "DISCOVERY_CONFIG_INVALID /global_settings/timeout_seconds",
    ],
  );
});

test("default_security_level: community at most; verify_signatures false is a warning, never followed", () => {
  const policy = (security_policy: object) =>
    check({ discovery_sources: [], global_settings: { security_policy } });
  assert.deepEqual(at(policy({ default_security_level: "verified" }).findings), [
    "DISCOVERY_CONFIG_INVALID /global_settings/security_policy/default_security_level",
  ]);
  const lax = policy({ verify_signatures: false, allow_untrusted: true });
  assert.deepEqual(
    lax.findings.map((f) => `${f.code} ${f.severity} ${f.pointer}`),
    ["DISCOVERY_SETTING_IGNORED warning /global_settings/security_policy/verify_signatures"],
  );
  assert.deepEqual(
    lax.value?.policy,
    { allow_untrusted: true },
    "only the policy's own keys reach decidePolicy",
  );
});

test("duplicate source names are named at the second; findings from bytes carry line and column", () => {
  const text = `{
  "discovery_sources": [
    { "type": "filesystem", "path": "a", "name": "x" },
    { "type": "filesystem", "path": "b", "name": "x", "watch": true }
  ]
}`;
  const result = readDiscoveryConfig(new TextEncoder().encode(text), "c.json", {});
  assert.deepEqual(
    result.findings.map((f) => [f.pointer, f.line]),
    [["/discovery_sources/1/watch", 4]],
  );
  const names = check({
    discovery_sources: [
      { type: "filesystem", path: "a", name: "x" },
      { type: "filesystem", path: "b", name: "x" },
    ],
  });
  assert.deepEqual(at(names.findings), ["DISCOVERY_CONFIG_INVALID /discovery_sources/1/name"]);
});

test("a registry URL that is not http(s), and a NUL byte in any string, are named at their key before any source is made", () => {
  const result = check({
    registry_config: {
      discovery_sources: [
        { type: "registry", url: "https://r.example/" },
        { type: "registry", url: " " },
        { type: "registry", url: "a:b" },
        { type: "filesystem", path: "/plugins\u0000/x" },
        { type: "git", repository: "https://g.example/x\u0000" },
        { type: "url", urls: ["https://u.example/a.json", "https://u.example/\u0000.json"] },
      ],
      global_settings: { cache_directory: "/c\u0000" },
    },
  });
  assert.equal(result.value, undefined);
  assert.deepEqual(at(result.findings).sort(), [
    "DISCOVERY_CONFIG_INVALID /registry_config/discovery_sources/1/url",
    "DISCOVERY_CONFIG_INVALID /registry_config/discovery_sources/2/url",
    "DISCOVERY_CONFIG_INVALID /registry_config/discovery_sources/3/path",
    "DISCOVERY_CONFIG_INVALID /registry_config/discovery_sources/4/repository",
    "DISCOVERY_CONFIG_INVALID /registry_config/discovery_sources/5/urls/1",
    "DISCOVERY_CONFIG_INVALID /registry_config/global_settings/cache_directory",
  ]);
  assert.match(
    result.findings.find((f) => f.pointer.endsWith("/1/url"))?.message ?? "",
    /not an http\(s\) URL/,
  );
  assert.match(result.findings.find((f) => f.pointer.endsWith("/3/path"))?.message ?? "", /NUL byte/);
});
