/**
 * Credentials go only where they were configured (a registry's API key and a source's custom
 * headers, to that source's origin), and the URL policy does not depend on the cache. Driven by
 * a malicious registry on loopback: a discovery document and version rows that name another
 * origin, redirects that leave the configured one, and caches filled under a laxer policy.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { systemClock } from "../../core/net/fetcher.types.ts";
import { createHttpFetcher } from "../../net/http-fetcher.ts";
import { loadDiscoveryConfig, sourcesFromConfig } from "../../runner/config/load-config.ts";
import { isRunnerError } from "../../runner/errors.ts";
import { install } from "../../runner/ops/install.ts";
import { testContext } from "./helpers/context.ts";
import { manifestFor, publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

let home: StaticServer;
let evil: StaticServer;
const secretsAt = (server: StaticServer) => server.seenHeaders.filter((h) => h.authorization || h["x-token"]);
const temps: string[] = [];

before(async () => {
  home = await startServer();
  evil = await startServer();
  publish(home, [{ name: "plug", versions: [{ version: "1.0.0" }, { version: "1.1.0" }] }]);
  // The attacker's copy of the API: the same documents, served from another origin.
  for (const [path, bytes] of home.files) evil.files.set(path, bytes);
});
after(async () => {
  await home.close();
  await evil.close();
  for (const t of temps) await rm(t, { recursive: true, force: true });
});

async function ctx(options: Parameters<typeof testContext>[1] = {}) {
  const c = await testContext(home.url, { yes: true, apiKey: "registry-key", ...options });
  temps.push(c.tmp);
  return c;
}

test("#9.9: the API key never reaches an api_root, manifest or trusted root on another origin", async () => {
  const discovery = home.files.get("/.well-known/finfocus-registry.json")!;
  const doc = JSON.parse(Buffer.from(discovery).toString());
  home.files.set(
    "/.well-known/finfocus-registry.json",
    Buffer.from(
      JSON.stringify({
        ...doc,
        api_root: `${evil.url}/api/v1/`,
        sigstore_trusted_root: `${evil.url}/root.json`,
      }),
    ),
  );
  try {
    home.seenHeaders.length = 0;
    evil.seenHeaders.length = 0;
    const c = await ctx();
    // 1.0.0 is not the latest: its manifest.json is fetched too (from the attacker's origin).
    await install(c, { plugins: [{ name: "plug", constraint: "1.0.0" }] });
    assert.ok(
      evil.seenHeaders.length >= 2,
      "the other origin was asked for the plugin document and manifest",
    );
    assert.deepEqual(secretsAt(evil), [], "no API key to the origin a discovery document named");
    assert.ok(secretsAt(home).length > 0, "the configured origin gets it");
  } finally {
    home.files.set("/.well-known/finfocus-registry.json", discovery);
  }
});

test("#9.9: a registry's custom headers and API key are dropped at a redirect to another origin", async () => {
  const path = "/api/v1/plugins/plug/index.json";
  home.handlers.set(path, (_q, r) => {
    r.writeHead(302, { location: `${evil.url}${path}` }).end();
    return true;
  });
  const tmp = await mkdtemp(join(tmpdir(), "ffr-cred-"));
  temps.push(tmp);
  try {
    await writeFile(
      join(tmp, "config.json"),
      JSON.stringify({
        registry_config: {
          discovery_sources: [
            { type: "registry", url: home.url, api_key: "k", headers: { "X-Token": "t0ken" } },
          ],
        },
      }),
    );
    const [source] = sourcesFromConfig((await loadDiscoveryConfig(join(tmp, "config.json"), {})).settings, {
      fetcher: createHttpFetcher({ allowLoopbackHttp: true, retries: 0 }),
      urlPolicy: { allowLoopbackHttp: true },
      clock: systemClock,
      cacheDir: join(tmp, "cache"),
      offline: false,
      baseDir: tmp,
    });
    evil.seenHeaders.length = 0;
    assert.equal((await source!.versions("plug"))?.versions.length, 2);
    assert.equal(evil.seenHeaders.length, 1);
    assert.deepEqual(secretsAt(evil), []);
  } finally {
    home.handlers.delete(path);
  }
});

test("#9.9: a url source's headers go to its own URL only, never across a redirect", async () => {
  const manifest = manifestFor(
    "loose",
    { version: "1.0.0" },
    `${home.url}/artifacts/plug-1.0.0.tar.gz`,
    new Uint8Array(),
  );
  evil.files.set("/loose.json", Buffer.from(JSON.stringify(manifest)));
  home.handlers.set("/loose.json", (_q, r) => {
    r.writeHead(307, { location: `${evil.url}/loose.json` }).end();
    return true;
  });
  const tmp = await mkdtemp(join(tmpdir(), "ffr-cred-"));
  temps.push(tmp);
  try {
    await writeFile(
      join(tmp, "config.json"),
      JSON.stringify({
        registry_config: {
          discovery_sources: [
            { type: "url", urls: [`${home.url}/loose.json`], headers: { "X-Token": "t0ken" } },
          ],
        },
      }),
    );
    const [source] = sourcesFromConfig((await loadDiscoveryConfig(join(tmp, "config.json"), {})).settings, {
      fetcher: createHttpFetcher({ allowLoopbackHttp: true, retries: 0 }),
      urlPolicy: { allowLoopbackHttp: true },
      clock: systemClock,
      cacheDir: join(tmp, "cache"),
      offline: false,
      baseDir: tmp,
    });
    evil.seenHeaders.length = 0;
    home.seenHeaders.length = 0;
    assert.ok(await source!.versions("loose"));
    assert.equal(home.seenHeaders[0]?.["x-token"], "t0ken", "sent to the URL the user configured");
    assert.deepEqual(secretsAt(evil), [], "not to where it redirected");
  } finally {
    home.handlers.delete("/loose.json");
  }
});

test("#9.11: the URL policy holds for answers from the cache: a cache filled over loopback http is not served without --allow-loopback-http", async () => {
  const first = await ctx();
  const shared = { cacheDir: join(first.tmp, "cache"), artifactCacheDir: join(first.tmp, "artifacts") };
  const filled = await ctx(shared);
  await install(filled, { plugins: [{ name: "plug" }] });
  for (const offline of [false, true]) {
    // Fresh metadata and a verified artifact are cached; the policy must still refuse http.
    const strict = await ctx({ ...shared, allowLoopbackHttp: false, offline });
    const before = home.total();
    await assert.rejects(install(strict, { plugins: [{ name: "plug" }] }), (e) =>
      isRunnerError(e, "INSECURE_URL"),
    );
    assert.equal(home.total(), before, "and nothing was fetched");
  }
});
