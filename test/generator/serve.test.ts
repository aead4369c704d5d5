import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import path from "node:path";
import { after, before, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { contentType, resolveUrlPath, serve } from "../../generator/serve.ts";
import { build, copyFixture, tempDir } from "./helpers.ts";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

let base = "";
let close: () => Promise<void> = async () => {};
let cleanup = () => {};

/** Raw request: the path is sent exactly as given (no URL normalisation of `..`). */
function get(rawPath: string, headers: Record<string, string> = {}, method = "GET"): Promise<Reply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: rawPath, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

before(async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  const out = path.join(tmp.dir, "out");
  await build(copyFixture(tmp.dir), out);
  writeFileSync(path.join(out, "404.html"), "<!doctype html><title>Not found</title>\n");
  writeFileSync(path.join(tmp.dir, "secret.txt"), "secret\n");
  symlinkSync(path.join(tmp.dir, "secret.txt"), path.join(out, "leak.txt"));
  const artifacts = path.join(tmp.dir, "artifacts");
  mkdirSync(artifacts);
  writeFileSync(path.join(artifacts, "demo-1.0.0.tar.gz"), Buffer.from([0x1f, 0x8b, 8, 0]));
  const started = await serve({ dir: out, artifactsDir: artifacts, port: 0, host: "127.0.0.1" });
  base = started.url;
  close = () => new Promise((r) => started.server.close(() => r()));
});

after(async () => {
  await close();
  cleanup();
});

test("documents are served with their content type and an ETag; If-None-Match gives 304", async () => {
  const first = await get("/api/v1/plugins/index.json");
  assert.equal(first.status, 200);
  assert.equal(first.headers["content-type"], "application/json; charset=utf-8");
  const etag = String(first.headers.etag);
  assert.match(etag, /^"[0-9a-f]{32}"$/);
  assert.equal(JSON.parse(first.body.toString()).api_version, "v1");
  const again = await get("/api/v1/plugins/index.json", { "If-None-Match": etag });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  const feed = await get("/feeds/releases.xml");
  assert.equal(feed.headers["content-type"], "application/atom+xml; charset=utf-8");
  const wellKnown = await get("/.well-known/finfocus-registry.json");
  assert.equal(wellKnown.status, 200);
});

test("gzip when the client accepts it, identity otherwise", async () => {
  const plain = await get("/api/v1/registry.json");
  const zipped = await get("/api/v1/registry.json", { "Accept-Encoding": "br, gzip;q=0.8" });
  assert.equal(zipped.headers["content-encoding"], "gzip");
  assert.equal(zipped.headers.vary, "Accept-Encoding");
  assert.deepEqual(gunzipSync(zipped.body), plain.body);
  assert.notEqual(zipped.headers.etag, plain.headers.etag);
  const refused = await get("/api/v1/registry.json", { "Accept-Encoding": "gzip;q=0" });
  assert.equal(refused.headers["content-encoding"], undefined);
});

test("path traversal, encoded or not, symlinks out of the folder and dotfiles are refused", async () => {
  for (const p of [
    "/../secret.txt",
    "/%2e%2e/secret.txt",
    "/api/..%2f..%2fsecret.txt",
    "/api/%2e%2e%5c%2e%2e%5csecret.txt",
    "/leak.txt",
    "/.finfocus-build-state",
    "/artifacts/../secret.txt",
    "/artifacts/%2e%2e%2fsecret.txt",
    "/%00",
  ]) {
    const reply = await get(p);
    assert.equal(reply.status, 404, p);
    assert.doesNotMatch(reply.body.toString(), /secret/, p);
  }
  assert.equal(resolveUrlPath("/srv/out", "/a/../../etc/passwd"), undefined);
  assert.equal(resolveUrlPath("/srv/out", "/a/b.json"), path.resolve("/srv/out/a/b.json"));
});

test("request targets no URL parser takes, or that decode to nothing, are answered, and the server serves on", async () => {
  for (const p of [
    "//[",
    "//[::",
    "/%ZZ",
    "/%E0%A4",
    "/api/v1/plugins/%C0%AF/index.json",
    "*",
    "http://[/",
  ]) {
    const reply = await get(p);
    assert.ok(reply.status >= 400 && reply.status < 500, `${p}: ${reply.status}`);
  }
  assert.equal((await get("/api/v1/plugins/index.json")).status, 200);
});

test("missing API documents get the spec's JSON errors; other paths the site's 404 page", async () => {
  const version = await get("/api/v1/plugins/alpha-cost/versions/9.9.9/manifest.json");
  assert.equal(version.status, 404);
  const error = JSON.parse(version.body.toString());
  assert.equal(error.code, "PLUGIN_NOT_FOUND");
  assert.deepEqual(error.details.available_versions, ["1.0.0", "1.1.0", "2.0.0-rc.1"]);
  const plugin = JSON.parse((await get("/api/v1/plugins/nope/index.json")).body.toString());
  assert.deepEqual(
    [plugin.code, plugin.details],
    ["PLUGIN_NOT_FOUND", { name: "nope", plugin_name: "nope" }],
  );
  const other = JSON.parse((await get("/api/v1/nothing.json")).body.toString());
  assert.equal(other.code, "NOT_FOUND");
  // A version that exists, at a path the API does not name: not "no version 1.0.0".
  const unnamed = await get("/api/v1/plugins/alpha-cost/versions/1.0.0");
  assert.equal(unnamed.status, 404);
  assert.equal(JSON.parse(unnamed.body.toString()).code, "NOT_FOUND");
  const page = await get("/no/such/page");
  assert.equal(page.status, 404);
  assert.equal(page.headers["content-type"], "text/html; charset=utf-8");
  assert.match(page.body.toString(), /Not found/);
});

test("artifacts are served under /artifacts/ with archive content types; only GET and HEAD", async () => {
  const archive = await get("/artifacts/demo-1.0.0.tar.gz", { "Accept-Encoding": "gzip" });
  assert.equal(archive.status, 200);
  assert.equal(archive.headers["content-type"], "application/gzip");
  assert.equal(archive.headers["content-encoding"], undefined);
  assert.deepEqual([...archive.body], [0x1f, 0x8b, 8, 0]);
  assert.equal(contentType("x.zip"), "application/zip");
  assert.equal(contentType("x.svg"), "image/svg+xml");
  assert.equal((await get("/api/v1/registry.json", {}, "POST")).status, 405);
  const head = await get("/api/v1/registry.json", {}, "HEAD");
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
});
