/**
 * A registry source's search rows: the same frozen row for an index entry while the index is kept
 * (the daemon encodes each once), fresh rows once the index is read again.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { systemClock } from "../../core/net/fetcher.types.ts";
import { createHttpFetcher } from "../../net/http-fetcher.ts";
import { discover } from "../../runner/ops/list.ts";
import { HttpCache } from "../../runner/source/http-cache.ts";
import { createRegistrySource } from "../../runner/source/registry-source.ts";
import { publish } from "./helpers/registry.ts";
import { startServer } from "./helpers/server.ts";

test("search rows are shared and frozen while the index is kept, and fresh once it is read again", async () => {
  const server = await startServer();
  const tmp = await mkdtemp(join(tmpdir(), "ffr-search-rows-"));
  let now = Date.now();
  try {
    publish(server, [{ name: "rows-one", versions: [{ version: "1.0.0" }] }]);
    const source = createRegistrySource({
      url: server.url,
      ttlSeconds: 60,
      cache: new HttpCache({
        fetcher: createHttpFetcher({ allowLoopbackHttp: true, retries: 0 }),
        clock: { ...systemClock, now: () => now },
        urlPolicy: { allowLoopbackHttp: true },
        dir: tmp,
      }),
      allowLoopbackHttp: true,
    });
    const [first] = (await discover({ sources: [source] }, "rows")).plugins;
    const [again] = (await discover({ sources: [source] }, "rows-one")).plugins;
    assert.equal(first?.version, "1.0.0");
    assert.equal(again, first, "the same row for the same index entry");
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.capabilities));
    assert.throws(() => {
      (first as { version: string }).version = "9.9.9";
    }, TypeError);

    publish(server, [{ name: "rows-one", versions: [{ version: "1.0.0" }, { version: "1.1.0" }] }]);
    now += 61_000;
    const [fresh] = (await discover({ sources: [source] }, "rows")).plugins;
    assert.equal(fresh?.version, "1.1.0", "a new index gives rows of its own content");
    assert.notEqual(fresh, first);
    assert.equal(first?.version, "1.0.0", "rows handed out earlier are unchanged");
  } finally {
    await server.close();
    await rm(tmp, { recursive: true, force: true });
  }
});
