import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { systemClock } from "../../core/net/fetcher.types.ts";
import { createHttpFetcher } from "../../net/http-fetcher.ts";
import { loadDiscoveryConfig, sourcesFromConfig } from "../../runner/config/load-config.ts";
import { isRunnerError } from "../../runner/errors.ts";
import { install } from "../../runner/ops/install.ts";
import { discover } from "../../runner/ops/list.ts";
import { HttpCache } from "../../runner/source/http-cache.ts";
import { createRegistrySource } from "../../runner/source/registry-source.ts";
import { testContext } from "./helpers/context.ts";
import { defaultArchive, manifestFor, publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

let server: StaticServer;
let tmp: string;
const fetcher = createHttpFetcher({ allowLoopbackHttp: true, retries: 0, deadlineMs: 3000 });

/** A manifest whose artifact the test server serves. */
function loose(name: string, version: string) {
  const archive = defaultArchive(name, version);
  server.files.set(`/loose/${name}-${version}.tar.gz`, archive);
  return manifestFor(name, { version }, `${server.url}/loose/${name}-${version}.tar.gz`, archive);
}

before(async () => {
  server = await startServer();
  tmp = await mkdtemp(join(tmpdir(), "ffr-src-"));
  // filesystem: nested plugin.json files
  await mkdir(join(tmp, "fs", "a", "deep"), { recursive: true });
  await writeFile(join(tmp, "fs", "a", "plugin.json"), JSON.stringify(loose("fs-one", "1.0.0")));
  await writeFile(join(tmp, "fs", "a", "deep", "manifest.json"), JSON.stringify(loose("fs-two", "2.0.0")));
  await writeFile(join(tmp, "fs", "a", "deep", "other.json"), "{}");
  // url
  server.files.set("/m/url-one.json", Buffer.from(JSON.stringify(loose("url-one", "1.0.0"))));
  // git: a real repository on disk, served over file://
  const repo = join(tmp, "repo");
  await mkdir(join(repo, "plugins", "git-one"), { recursive: true });
  await writeFile(join(repo, "plugins", "git-one", "plugin.json"), JSON.stringify(loose("git-one", "1.0.0")));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
      cwd: repo,
      stdio: "pipe",
    });
  git("init", "-q", "-b", "main");
  git("add", ".");
  git("commit", "-q", "-m", "plugins");
  await writeFile(
    join(tmp, "config.json"),
    JSON.stringify({
      registry_config: {
        discovery_sources: [
          { type: "git", name: "git", url: `file://${repo}`, branch: "main", path: "plugins", priority: 30 },
          { type: "filesystem", name: "local", path: "fs", recursive: true, priority: 10 },
          {
            type: "url",
            name: "urls",
            urls: [`${server.url}/m/url-one.json`],
            headers: { "X-Token": `$${"{"}TEST_TOKEN}` },
            priority: 20,
          },
          { type: "registry", name: "down", url: "http://127.0.0.1:9", priority: 40 },
          { type: "filesystem", path: "nowhere", enabled: false },
        ],
        global_settings: { cache_ttl_seconds: 60, security_policy: { allow_untrusted: true } },
      },
    }),
  );
});
after(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

async function sources() {
  const { settings } = await loadDiscoveryConfig(join(tmp, "config.json"), { TEST_TOKEN: "t0ken" });
  return sourcesFromConfig(settings, {
    fetcher,
    urlPolicy: { allowLoopbackHttp: true },
    clock: systemClock,
    cacheDir: join(tmp, "cache"),
    offline: false,
    baseDir: tmp,
  });
}

test("filesystem, url and git sources answer in priority order; a failing source is reported, not fatal", async () => {
  const list = await sources();
  assert.deepEqual(
    list.map((s) => s.kind),
    ["filesystem", "url", "git", "registry"],
  );
  const result = await discover({ sources: list, concurrentDiscoveries: 2 });
  assert.deepEqual(
    result.plugins.map((p) => `${p.name}@${p.version}:${p.source}`),
    ["fs-one@1.0.0:filesystem", "fs-two@2.0.0:filesystem", "git-one@1.0.0:git", "url-one@1.0.0:url"],
  );
  assert.equal(result.errors.length, 1);
  assert.equal(result.errors[0]?.code, "DISCOVERY_SOURCE_UNREACHABLE");
  assert.equal(result.errors[0]?.source, "registry");
});

test("plugins from every kind of source install (untrusted, allowed by the source policy)", async () => {
  const c = await testContext(server.url, { sources: await sources(), policy: { allow_untrusted: true } });
  const r = await install(c, { plugins: [{ name: "fs-two" }, { name: "url-one" }, { name: "git-one" }] });
  assert.deepEqual(r.installed.map((p) => `${p.name}:${p.source.kind}:${p.security_level}`).sort(), [
    "fs-two:filesystem:untrusted",
    "git-one:git:untrusted",
    "url-one:url:untrusted",
  ]);
  await rm(c.tmp, { recursive: true, force: true });
});

test("the config is validated and every referenced environment variable must be set", async () => {
  await writeFile(
    join(tmp, "bad.json"),
    JSON.stringify({ registry_config: { discovery_sources: [{ type: "ftp" }] } }),
  );
  await assert.rejects(loadDiscoveryConfig(join(tmp, "bad.json"), {}), (e) =>
    isRunnerError(e, "DISCOVERY_CONFIG_INVALID"),
  );
  await assert.rejects(loadDiscoveryConfig(join(tmp, "config.json"), {}), (e) => {
    assert.ok(isRunnerError(e, "DISCOVERY_CONFIG_INVALID"));
    const findings = e.details.findings as { pointer: string }[];
    assert.deepEqual(
      findings.map((f) => f.pointer),
      ["/registry_config/discovery_sources/2/headers/X-Token"],
    );
    return true;
  });
});

test("a private registry gets the api_key as a bearer token", async () => {
  await writeFile(
    join(tmp, "private.json"),
    JSON.stringify({
      registry_config: {
        discovery_sources: [{ type: "registry", url: server.url, api_key: `$${"{"}REG_KEY}` }],
      },
    }),
  );
  const { settings } = await loadDiscoveryConfig(join(tmp, "private.json"), { REG_KEY: "s3cret" });
  const [source] = sourcesFromConfig(settings, {
    fetcher,
    urlPolicy: { allowLoopbackHttp: true },
    clock: systemClock,
    cacheDir: join(tmp, "pcache"),
    offline: false,
    baseDir: tmp,
  });
  server.auth.length = 0;
  await source?.versions("anything").catch(() => undefined);
  assert.ok(server.auth.includes("Bearer s3cret"), String(server.auth));
});

test("a source asked before the one that has a plugin must answer: one that is down stops the install; one asked after is not in the way", async () => {
  const list = await sources();
  const dead = list[3]!;
  const local = list[0]!;
  const c = await testContext(server.url, { sources: [dead, local], policy: { allow_untrusted: true } });
  await assert.rejects(install(c, { plugins: [{ name: "fs-one" }] }), (e) => {
    assert.ok(isRunnerError(e, "DISCOVERY_SOURCE_UNREACHABLE"));
    assert.match(
      e.message,
      /http:\/\/127\.0\.0\.1:9 could not say whether it has fs-one.*remove it from the discovery configuration/,
    );
    return true;
  });
  const after = await testContext(server.url, { sources: [local, dead], policy: { allow_untrusted: true } });
  const r = await install(after, { plugins: [{ name: "fs-one" }] });
  assert.equal(r.installed[0]?.name, "fs-one");
  await assert.rejects(install(after, { plugins: [{ name: "elsewhere" }] }), (e) =>
    isRunnerError(e, "DISCOVERY_SOURCE_UNREACHABLE"),
  );
  await rm(c.tmp, { recursive: true, force: true });
  await rm(after.tmp, { recursive: true, force: true });
});

test("dependency confusion: a preferred registry whose answer for a name is invalid never hands that name to a lower one", async () => {
  const privateReg = await startServer();
  const publicReg = await startServer();
  try {
    publish(privateReg, [{ name: "lib", versions: [{ version: "1.0.0" }] }]);
    publish(publicReg, [{ name: "lib", versions: [{ version: "1.1.0" }] }]);
    // Whoever can break the private registry's answer for `lib` (a duplicate key here)…
    privateReg.files.set(
      "/api/v1/plugins/lib/index.json",
      Buffer.from('{"api_version":"v1","api_version":"v1"}'),
    );
    const source = (url: string, priority: number) =>
      createRegistrySource({
        url,
        cache: new HttpCache({ fetcher, clock: systemClock, urlPolicy: { allowLoopbackHttp: true } }),
        ttlSeconds: 0,
        allowLoopbackHttp: true,
        priority,
      });
    const c = await testContext(privateReg.url, {
      sources: [source(privateReg.url, 1), source(publicReg.url, 2)],
      policy: { allow_untrusted: true },
    });
    // …does not get the public `lib` installed in its place.
    await assert.rejects(install(c, { plugins: [{ name: "lib" }] }), (e) => {
      assert.ok(isRunnerError(e) && e.code !== "DISCOVERY_SOURCE_UNREACHABLE", String(e));
      assert.match(e.message, /could not say whether it has lib/);
      return true;
    });
    assert.equal(publicReg.total("/artifacts"), 0);
    await rm(c.tmp, { recursive: true, force: true });
  } finally {
    await Promise.all([privateReg.close(), publicReg.close()]);
  }
});
