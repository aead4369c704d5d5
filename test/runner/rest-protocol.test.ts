/**
 * #11 point 2: the specification's REST paths. `serve` answers them with the static layout's
 * bytes, and the runner reads a registry that serves only them (no discovery document).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parseRestPath, restPath } from "../../core/api/rest-paths.ts";
import { systemClock } from "../../core/net/fetcher.types.ts";
import { serve } from "../../generator/serve.ts";
import { createHttpFetcher } from "../../net/http-fetcher.ts";
import { install } from "../../runner/ops/install.ts";
import { discover } from "../../runner/ops/list.ts";
import { HttpCache } from "../../runner/source/http-cache.ts";
import { createRegistrySource } from "../../runner/source/registry-source.ts";
import { testContext } from "./helpers/context.ts";
import { repoRoot } from "./helpers/default-registry.ts";
import { publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

let out: string;
let preview: { server: Server; url: string };
let staticSite: StaticServer;
let restOnly: StaticServer;
let plugin: { name: string; versions: string[] };

before(async () => {
  out = await mkdtemp(join(tmpdir(), "ffr-rest-"));
  const built = spawnSync(
    process.execPath,
    [
      join(repoRoot, "bin/finfocus-registry.js"),
      "build",
      "--registry",
      join(repoRoot, "registry"),
      "--out",
      join(out, "dist"),
      "--no-site",
    ],
    { encoding: "utf8" },
  );
  assert.equal(built.status, 0, built.stderr);
  preview = await serve({ dir: join(out, "dist"), port: 0, host: "127.0.0.1" });
  const index = JSON.parse(await readFile(join(out, "dist/api/v1/plugins/index.json"), "utf8"));
  const name = index.plugins[0].name as string;
  const versions = JSON.parse(
    await readFile(join(out, `dist/api/v1/plugins/${name}/versions/index.json`), "utf8"),
  );
  plugin = { name, versions: versions.versions.map((v: { version: string }) => v.version) };
  // A registry that serves only the spec's REST paths: the same documents, no discovery document.
  staticSite = await startServer();
  publish(staticSite, [{ name: "rest-one", versions: [{ version: "1.0.0" }, { version: "1.1.0" }] }]);
  restOnly = await startServer();
  for (const [path, bytes] of staticSite.files) {
    const m = /^\/api\/v1\/(plugins\/.*?)(?:\/index\.json|\/manifest\.json|\.json)$/.exec(path);
    const rest = m?.[1] && parseRestPath(m[1].replace(/\/versions\/([^/]+)$/, "/versions/$1/manifest"));
    if (rest) restOnly.files.set(`/${restPath(rest)}`, bytes);
  }
  restOnly.files.set("/plugins", staticSite.files.get("/api/v1/plugins/index.json") ?? new Uint8Array());
});

after(async () => {
  await new Promise((r) => preview.server.close(r));
  await Promise.all([staticSite.close(), restOnly.close()]);
  await rm(out, { recursive: true, force: true });
});

async function get(path: string, accept = "application/json") {
  const res = await fetch(new URL(path, preview.url), { headers: { accept } });
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    body: Buffer.from(await res.arrayBuffer()),
  };
}

test("serve answers the spec's paths, below /api/v1/ and (asking for JSON) at the root, with the static bytes", async () => {
  const { name } = plugin;
  const version = plugin.versions[0]!;
  const pairs = [
    ["plugins", "api/v1/plugins/index.json"],
    [`plugins/${name}`, `api/v1/plugins/${name}/index.json`],
    [`plugins/${name}/versions`, `api/v1/plugins/${name}/versions/index.json`],
    [
      `plugins/${name}/versions/${version}/manifest`,
      `api/v1/plugins/${name}/versions/${version}/manifest.json`,
    ],
  ];
  for (const [rest, file] of pairs) {
    const expected = await readFile(join(out, "dist", file!));
    for (const path of [`/api/v1/${rest}`, `/${rest}`]) {
      const answer = await get(path);
      assert.equal(answer.status, 200, path);
      assert.match(answer.type ?? "", /application\/json/, path);
      assert.ok(answer.body.equals(expected), `${path} serves ${file}`);
    }
  }
  assert.notEqual((await get(`/plugins/${name}`, "text/html")).type, "application/json; charset=utf-8");
  const missing = await get("/api/v1/plugins/no-such-plugin");
  assert.equal(missing.status, 404);
  assert.equal(JSON.parse(missing.body.toString()).code, "PLUGIN_NOT_FOUND");
  const noVersion = await get(`/api/v1/plugins/${name}/versions/99.0.0/manifest`);
  assert.equal(noVersion.status, 404);
  const details = JSON.parse(noVersion.body.toString()).details;
  assert.deepEqual(details.available_versions, plugin.versions);
  assert.deepEqual(
    [details.plugin_name, details.requested_version],
    [plugin.name, "99.0.0"],
    "the spec's keys",
  );
});

test("the runner reads serve's REST paths when pointed at /api/v1 (no discovery document there)", async () => {
  const tmp = await mkdtemp(join(tmpdir(), "ffr-rest-cache-"));
  try {
    const source = createRegistrySource({
      url: `${preview.url}api/v1`,
      cache: new HttpCache({
        fetcher: createHttpFetcher({ allowLoopbackHttp: true, retries: 0 }),
        clock: systemClock,
        urlPolicy: { allowLoopbackHttp: true },
        dir: tmp,
      }),
      allowLoopbackHttp: true,
    });
    const listed = await discover({ sources: [source] });
    assert.deepEqual(listed.errors, []);
    assert.ok(listed.plugins.some((p) => p.name === plugin.name));
    assert.deepEqual(
      (await source.versions(plugin.name))?.versions.map((v) => v.version),
      plugin.versions,
    );
    // Every version's manifest, read from .../manifest, matches the version list's sha256 (T4).
    for (const version of plugin.versions) {
      const manifest = await source.manifest(plugin.name, version);
      assert.equal(manifest.value?.metadata.version, version);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});

test("install from a registry that serves only the spec's REST paths", async () => {
  const context = await testContext(restOnly.url, { policy: { allow_untrusted: false } });
  try {
    const result = await install(context, { plugins: [{ name: "rest-one", constraint: "1.0.0" }] });
    assert.deepEqual(
      result.installed.map((p) => `${p.name}@${p.version}`),
      ["rest-one@1.0.0"],
    );
    const registryRequests = context.requests.filter((r) => !r.startsWith("/artifacts/"));
    assert.deepEqual(registryRequests, [
      "/.well-known/finfocus-registry.json",
      "/plugins",
      "/plugins/rest-one",
      "/plugins/rest-one/versions/1.0.0/manifest",
    ]);
  } finally {
    await rm(context.tmp, { recursive: true, force: true });
  }
});
