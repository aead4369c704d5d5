import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, test } from "node:test";
import { isRunnerError } from "../../runner/errors.ts";
import { createHttpFetcher } from "../../runner/net/fetcher-http.ts";
import { install } from "../../runner/ops/install.ts";
import { testContext } from "./helpers/context.ts";
import { publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

let a: StaticServer;
let b: StaticServer;
before(async () => {
  a = await startServer();
  b = await startServer();
  a.files.set("/x", Buffer.from("hello"));
  b.files.set("/y", Buffer.from("from b"));
});
after(async () => {
  await a.close();
  await b.close();
});
const fetcher = createHttpFetcher({ allowLoopbackHttp: true, retries: 2, backoffMs: 5, timeoutMs: 2000 });

test("HTTPS only: http to a non-loopback host is refused, loopback http only when allowed", async () => {
  await assert.rejects(fetcher.get({ url: "http://example.com/x", maxBytes: 10 }), (e) =>
    isRunnerError(e, "INSECURE_URL"),
  );
  await assert.rejects(createHttpFetcher().get({ url: `${a.url}/x`, maxBytes: 10 }), (e) =>
    isRunnerError(e, "INSECURE_URL"),
  );
  await assert.rejects(fetcher.get({ url: "file:///etc/passwd", maxBytes: 10 }), (e) =>
    isRunnerError(e, "INSECURE_URL"),
  );
  await assert.rejects(fetcher.get({ url: "https://user:pw@example.com/", maxBytes: 10 }), (e) =>
    isRunnerError(e, "INSECURE_URL"),
  );
  assert.equal(
    Buffer.from((await fetcher.get({ url: `${a.url}/x`, maxBytes: 10 })).body).toString(),
    "hello",
  );
});

test("every redirect is re-checked; credentials are not sent to another origin", async () => {
  a.handlers.set("/to-http", (_q, r) => {
    r.writeHead(302, { location: "http://example.com/evil" }).end();
    return true;
  });
  a.handlers.set("/to-b", (_q, r) => {
    r.writeHead(302, { location: `${b.url}/y` }).end();
    return true;
  });
  a.handlers.set("/loop", (_q, r) => {
    r.writeHead(302, { location: "/loop" }).end();
    return true;
  });
  await assert.rejects(fetcher.get({ url: `${a.url}/to-http`, maxBytes: 100 }), (e) =>
    isRunnerError(e, "INSECURE_URL"),
  );
  await assert.rejects(fetcher.get({ url: `${a.url}/loop`, maxBytes: 100 }), (e) =>
    isRunnerError(e, "DOWNLOAD_FAILED"),
  );
  b.auth.length = 0;
  const r = await fetcher.get({
    url: `${a.url}/to-b`,
    maxBytes: 100,
    headers: { authorization: "Bearer k" },
  });
  assert.equal(Buffer.from(r.body).toString(), "from b");
  assert.deepEqual(b.auth, []);
});

test("retries with backoff on 503, then fails with DOWNLOAD_FAILED; 404 is not retried", async () => {
  let calls = 0;
  a.handlers.set("/flaky", (_q, r) => {
    calls++;
    if (calls < 3) r.writeHead(503).end();
    else r.writeHead(200).end("ok");
    return true;
  });
  assert.equal(
    Buffer.from((await fetcher.get({ url: `${a.url}/flaky`, maxBytes: 10 })).body).toString(),
    "ok",
  );
  assert.equal(calls, 3);
  a.handlers.set("/down", (_q, r) => {
    r.writeHead(503).end();
    return true;
  });
  await assert.rejects(fetcher.get({ url: `${a.url}/down`, maxBytes: 10 }), (e) =>
    isRunnerError(e, "DOWNLOAD_FAILED"),
  );
  const before = a.hits.get("/nothing") ?? 0;
  await assert.rejects(fetcher.get({ url: `${a.url}/nothing`, maxBytes: 10 }), (e) =>
    isRunnerError(e, "DOWNLOAD_FAILED"),
  );
  assert.equal(a.hits.get("/nothing"), before + 1);
});

test("J2/J3 over the network and T4 mix-and-match: hostile registry documents are refused, nothing installed", async () => {
  const s = await startServer();
  publish(s, [
    { name: "p", versions: [{ version: "1.0.0" }, { version: "1.1.0" }] },
    { name: "q", versions: [{ version: "1.0.0" }] },
  ]);
  const c = await testContext(s.url);
  try {
    const doc = Buffer.from(s.files.get("/api/v1/plugins/q/index.json")!).toString();
    s.files.set(
      "/api/v1/plugins/q/index.json",
      Buffer.from(doc.replace('"name": "q",', '"name": "q", "name": "q",')),
    );
    await assert.rejects(install(c, { plugins: [{ name: "q" }] }), (e) =>
      isRunnerError(e, "REGISTRY_DOCUMENT_INVALID"),
    );
    s.files.set(
      "/api/v1/plugins/q/index.json",
      Buffer.from(doc.replace('"name": "q",', '"name": "q", "__proto__": {"x": 1},')),
    );
    const c2 = await testContext(s.url);
    await assert.rejects(install(c2, { plugins: [{ name: "q" }] }), (e) =>
      isRunnerError(e, "REGISTRY_DOCUMENT_INVALID"),
    );
    assert.equal(({} as Record<string, unknown>).x, undefined);
    // The 1.0.0 manifest swapped for 1.1.0's: refused.
    s.files.set(
      "/api/v1/plugins/p/versions/1.0.0/manifest.json",
      s.files.get("/api/v1/plugins/p/versions/1.1.0/manifest.json")!,
    );
    await assert.rejects(install(c, { plugins: [{ name: "p", constraint: "1.0.0" }] }), (e) =>
      isRunnerError(e, "REGISTRY_DOCUMENT_INVALID"),
    );
    await rm(c2.tmp, { recursive: true, force: true });
  } finally {
    await s.close();
    await rm(c.tmp, { recursive: true, force: true });
  }
});
