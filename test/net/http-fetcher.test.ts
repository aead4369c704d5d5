/**
 * The one HTTP fetcher (net/http-fetcher.ts) under core's fetch policy, against loopback servers
 * that misbehave as an attacker's would: redirects to plain http and other schemes, credentials
 * chased across origins, stalled and drip-feeding servers.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { FetchError } from "../../core/net/fetcher.types.ts";
import { createHttpFetcher } from "../../net/http-fetcher.ts";
import { type StaticServer, startServer } from "../runner/helpers/server.ts";

let a: StaticServer;
let b: StaticServer;
const seen: { server: string; path: string; headers: Record<string, unknown> }[] = [];
before(async () => {
  a = await startServer();
  b = await startServer();
  a.files.set("/x", Buffer.from("hello"));
  b.files.set("/y", Buffer.from("from b"));
  for (const [name, server] of [
    ["a", a],
    ["b", b],
  ] as const) {
    for (const path of ["/x", "/y", "/back"]) {
      server.handlers.set(path, (req) => {
        seen.push({ server: name, path, headers: { ...req.headers } });
        return false;
      });
    }
  }
});
after(async () => {
  await a.close();
  await b.close();
});
const fetcher = createHttpFetcher({ allowLoopbackHttp: true, retries: 2, backoffMs: 5, deadlineMs: 2000 });
const code = (expected: string) => (e: unknown) => e instanceof FetchError && e.code === expected;

test("HTTPS only: http to a non-loopback host is refused, loopback http only when allowed", async () => {
  await assert.rejects(fetcher.get({ url: "http://example.com/x", maxBytes: 10 }), code("INSECURE_URL"));
  await assert.rejects(createHttpFetcher().get({ url: `${a.url}/x`, maxBytes: 10 }), code("INSECURE_URL"));
  await assert.rejects(fetcher.get({ url: "file:///etc/passwd", maxBytes: 10 }), code("INSECURE_URL"));
  await assert.rejects(
    fetcher.get({ url: "https://user:pw@example.com/", maxBytes: 10 }),
    code("INSECURE_URL"),
  );
  assert.equal(
    Buffer.from((await fetcher.get({ url: `${a.url}/x`, maxBytes: 10 })).body).toString(),
    "hello",
  );
});

test("every redirect is re-checked; credentials and custom headers go only to the configured origin", async () => {
  a.handlers.set("/to-http", (_q, r) => {
    r.writeHead(302, { location: "http://example.com/evil" }).end();
    return true;
  });
  a.handlers.set("/to-b", (_q, r) => {
    r.writeHead(302, { location: `${b.url}/y` }).end();
    return true;
  });
  b.handlers.set("/to-a", (_q, r) => {
    r.writeHead(302, { location: `${a.url}/back` }).end();
    return true;
  });
  a.handlers.set("/loop", (_q, r) => {
    r.writeHead(302, { location: "/loop" }).end();
    return true;
  });
  await assert.rejects(fetcher.get({ url: `${a.url}/to-http`, maxBytes: 100 }), code("INSECURE_URL"));
  await assert.rejects(fetcher.get({ url: `${a.url}/loop`, maxBytes: 100 }), code("DOWNLOAD_FAILED"));
  const credentials = { origin: a.url, headers: { authorization: "Bearer k", "x-token": "secret" } };
  seen.length = 0;
  const r = await fetcher.get({ url: `${a.url}/to-b`, maxBytes: 100, credentials });
  assert.equal(Buffer.from(r.body).toString(), "from b");
  const atB = seen.find((s) => s.server === "b" && s.path === "/y");
  assert.ok(atB);
  assert.equal(atB.headers.authorization, undefined, "no API key across a cross-origin redirect");
  assert.equal(atB.headers["x-token"], undefined, "no custom header across a cross-origin redirect");
  // Away and back again: once the request left the origin, it never carries the secrets again.
  seen.length = 0;
  await fetcher.get({ url: `${b.url}/to-a`, maxBytes: 100, credentials }).catch(() => undefined);
  assert.deepEqual(
    seen.filter((s) => s.headers.authorization !== undefined || s.headers["x-token"] !== undefined),
    [],
    "the credentials are for a.url, and the request started at b.url",
  );
  // At the configured origin, they are sent; secrets passed as ordinary headers never are.
  seen.length = 0;
  await fetcher.get({ url: `${a.url}/x`, maxBytes: 100, credentials });
  assert.equal(seen[0]?.headers["x-token"], "secret");
  seen.length = 0;
  await fetcher.get({ url: `${a.url}/x`, maxBytes: 100, headers: { authorization: "Bearer leaked" } });
  assert.equal(seen[0]?.headers.authorization, undefined);
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
  await assert.rejects(fetcher.get({ url: `${a.url}/down`, maxBytes: 10 }), code("DOWNLOAD_FAILED"));
  const before = a.hits.get("/nothing") ?? 0;
  await assert.rejects(fetcher.get({ url: `${a.url}/nothing`, maxBytes: 10 }), code("DOWNLOAD_FAILED"));
  assert.equal(a.hits.get("/nothing"), before + 1);
});

test("a stalled server and a drip-feeding one fail at the request's total deadline, retries included", {
  timeout: 15_000,
}, async () => {
  const open: NodeJS.Timeout[] = [];
  a.handlers.set("/stall", () => true); // never answers
  a.handlers.set("/drip", (_q, r) => {
    r.writeHead(200, { "content-length": "100000" });
    const timer = setInterval(() => r.write("x"), 100); // a byte every 100 ms: never idle, never done
    open.push(timer);
    r.on("close", () => clearInterval(timer));
    return true;
  });
  const patient = createHttpFetcher({ allowLoopbackHttp: true, idleTimeoutMs: 60_000, backoffMs: 10 });
  try {
    for (const path of ["/stall", "/drip"]) {
      await assert.rejects(
        patient.get({ url: `${a.url}${path}`, maxBytes: 1 << 20, deadlineMs: 1500 }),
        (e) => {
          assert.ok(e instanceof FetchError && e.code === "DOWNLOAD_FAILED", String(e));
          assert.equal(e.details.reason, "deadline", path);
          return true;
        },
      );
    }
    // The idle timeout alone ends a stall, and retries stop at the deadline.
    const idle = createHttpFetcher({
      allowLoopbackHttp: true,
      idleTimeoutMs: 300,
      retries: 100,
      backoffMs: 10,
    });
    const hits = a.hits.get("/stall") ?? 0;
    await assert.rejects(
      idle.get({ url: `${a.url}/stall`, maxBytes: 10, deadlineMs: 2000 }),
      code("DOWNLOAD_FAILED"),
    );
    assert.ok(
      (a.hits.get("/stall") ?? 0) - hits < 10,
      "retries are bounded by the deadline, not only a count",
    );
  } finally {
    for (const t of open) clearInterval(t);
  }
});
