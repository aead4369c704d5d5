import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type DownloadPolicy, gateFetcher } from "../../action/download.ts";
import { download as fetchWith } from "../../core/gate/download.ts";
import { artifactServer, type Route } from "./harness.ts";

/** The gate's download through its own fetcher unless the test gives one. */
const download = (url: string, policy: DownloadPolicy, fetcher = gateFetcher(policy)) =>
  fetchWith(url, policy, fetcher);

const BYTES = new TextEncoder().encode("artifact");
const routes: Record<string, Route> = {};
let server: Awaited<ReturnType<typeof artifactServer>>;
const policy: DownloadPolicy = { maxBytes: 1024, timeoutMs: 5000, allowLoopbackHttp: true, maxRedirects: 2 };

before(async () => {
  server = await artifactServer(routes);
  Object.assign(routes, {
    "/a": BYTES,
    "/hop1": { redirect: "/hop2" },
    "/hop2": { redirect: "/a" },
    "/loop": { redirect: "/loop" },
    "/to-remote-http": { redirect: "http://example.com/a" },
    "/to-file": { redirect: "file:///etc/passwd" },
    "/big": new Uint8Array(4096),
    "/chunked": { chunked: new Uint8Array(4096) },
    "/500": { status: 500 },
  });
});
after(() => server.close());

describe("artifact downloads", () => {
  test("a loopback URL is fetched when allowed, and refused otherwise", async () => {
    const ok = await download(`${server.url}/a`, policy);
    assert.ok(ok.ok && Buffer.from(ok.bytes).equals(Buffer.from(BYTES)));
    const refused = await download(`${server.url}/a`, { ...policy, allowLoopbackHttp: false });
    assert.equal(refused.ok, false);
  });

  test("plain http to anything but loopback, and other schemes, are refused before connecting", async () => {
    for (const url of [
      "http://example.com/a",
      "ftp://example.com/a",
      "file:///etc/passwd",
      "https://u:p@example.com/a",
    ]) {
      assert.equal((await download(url, policy)).ok, false, url);
    }
  });

  test("redirects are followed up to the limit and each hop is re-checked", async () => {
    assert.equal((await download(`${server.url}/hop1`, policy)).ok, true);
    const loop = await download(`${server.url}/loop`, policy);
    assert.ok(!loop.ok && /redirects/.test(loop.problem));
    const remote = await download(`${server.url}/to-remote-http`, policy);
    assert.ok(!remote.ok && /redirect 1/.test(remote.problem));
    assert.equal((await download(`${server.url}/to-file`, policy)).ok, false);
  });

  test("the size cap holds on Content-Length and on the bytes actually received", async () => {
    const big = await download(`${server.url}/big`, policy);
    assert.ok(!big.ok && /larger than the 1024-byte limit/.test(big.problem));
    const chunked = await download(`${server.url}/chunked`, policy);
    assert.ok(!chunked.ok && /larger than the 1024-byte limit/.test(chunked.problem));
  });

  test("HTTP errors and timeouts are problems, not exceptions", async () => {
    const failed = await download(`${server.url}/500`, policy);
    assert.ok(!failed.ok && /HTTP 500/.test(failed.problem));
    const slow = await download("https://127.0.0.1:1/never", { ...policy, timeoutMs: 200 });
    assert.equal(slow.ok, false);
  });

  test("a mirror folder answers by file name and never leaves its folder", async () => {
    const fetcher = gateFetcher(policy, new URL("../../demo/artifacts", import.meta.url).pathname);
    const hit = await download(
      "https://github.com/acme-finops/finfocus-plugin-aws-cost-explorer/releases/download/v1.0.0/aws-cost-explorer-1.0.0.tar.gz",
      { ...policy, maxBytes: 10 * 1024 * 1024 },
      fetcher,
    );
    assert.equal(hit.ok, true, hit.ok ? "" : hit.problem);
    const outside = await download("https://example.com/..%2F..%2Fpackage.json", policy, fetcher);
    assert.equal(outside.ok, false);
    const http = await download("http://example.com/aws-cost-explorer-1.0.0.tar.gz", policy, fetcher);
    assert.equal(http.ok, false, "the URL policy still applies with a mirror");
  });

  test("a mirror URL answers by file name, with the same meaning as the runner's --artifact-mirror", async () => {
    const fetcher = gateFetcher(policy, `${server.url}/`);
    const hit = await download("https://downloads.example.com/releases/v1/a", policy, fetcher);
    assert.ok(hit.ok && Buffer.from(hit.bytes).equals(Buffer.from(BYTES)), hit.ok ? "" : hit.problem);
    const miss = await download("https://downloads.example.com/releases/v1/missing.tar.gz", policy, fetcher);
    assert.ok(!miss.ok && /HTTP 404/.test(miss.problem));
  });
});
