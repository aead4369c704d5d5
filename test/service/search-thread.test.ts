/**
 * The daemon's search thread (service/search-thread.ts): it answers what core's search answers,
 * for every kind of filter and for more indexes than it keeps; a thread that fails or is closed
 * costs no search; and DiscoverPlugins through a daemon over a large registry answers what the
 * library answers.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { matchesFilter, type Searchable, searchable, searchIndexes } from "../../core/text/search-filter.ts";
import { discover } from "../../runner/ops/list.ts";
import { startDaemon } from "../../service/daemon.ts";
import { SearchThread } from "../../service/search-thread.ts";
import { testContext } from "../runner/helpers/context.ts";
import { publish } from "../runner/helpers/registry.ts";
import { startServer } from "../runner/helpers/server.ts";
import { registryClient } from "./helpers/client.ts";

const PROVIDERS = ["aws", "azure", "gcp"];

/** `count` plugins whose names and texts vary (providers, budgets, one NUL-bearing description). */
function index(count: number, salt = ""): Searchable[] {
  return Array.from({ length: count }, (_, i) =>
    searchable(`${PROVIDERS[i % 3]}-cost-${salt}${i}`, [
      i % 7 === 0 ? "Tracks BUDGETS per team" : `Cost source ${i}`,
      i % 11 === 0 ? "bad\0text" : "keyword",
      "cost_retrieval",
    ]),
  );
}

const FILTERS = [
  "",
  "aws",
  "  AWS-COST-1 ",
  "budget",
  "aws-*",
  "*-cost-1?",
  "gcp-cost-?",
  "nothing-here",
  "bad\0text",
];

test("the search thread answers what core's search answers, for every filter and more indexes than it keeps", async () => {
  const thread = new SearchThread();
  try {
    const indexes = Array.from({ length: 6 }, (_, k) => index(1500 + k, `s${k}-`));
    // Twice round all six indexes (the thread keeps four): every answer is core's, in this thread.
    for (let round = 0; round < 2; round++) {
      const answers = await Promise.all(
        indexes.flatMap((plugins) =>
          FILTERS.map(async (f) => [await thread.search(plugins, f), plugins, f] as const),
        ),
      );
      for (const [found, plugins, filter] of answers) {
        assert.deepEqual(found, searchIndexes(plugins, filter), `filter ${JSON.stringify(filter)}`);
      }
    }
    assert.ok(
      searchIndexes(indexes[0]!, "budget").length > 0 && searchIndexes(indexes[0]!, "aws-*").length > 0,
    );
    assert.deepEqual(thread.answered, { thread: 2 * 6 * FILTERS.length, here: 0 });

    const small = index(10);
    assert.deepEqual(await thread.search(small, "aws"), searchIndexes(small, "aws"));
    assert.equal(thread.answered.here, 1, "a small index is searched here, not handed over");
  } finally {
    await thread.close();
  }
});

test("a search thread that fails costs no search: its unanswered searches are made here, and after three failures all", async () => {
  // A thread that dies on its first search, every time it is started.
  const dying = new URL(
    `data:text/javascript,${encodeURIComponent(
      `import { parentPort } from "node:worker_threads";
       parentPort.on("message", (m) => { if (m.type === "search") throw new Error("boom"); });`,
    )}`,
  );
  const failures: boolean[] = [];
  const thread = new SearchThread(dying, (_error, givenUp) => failures.push(givenUp));
  try {
    const plugins = index(2000);
    const found = await Promise.all(FILTERS.map((f) => thread.search(plugins, f)));
    assert.deepEqual(
      found,
      FILTERS.map((f) => searchIndexes(plugins, f)),
    );
    assert.deepEqual(failures, [false]);
    // Later searches start a thread again (which dies again), until the third failure: then every
    // search is made here, without starting threads that cannot work.
    for (const f of ["gcp", "aws", "azure", "budget"]) {
      assert.deepEqual(await thread.search(plugins, f), searchIndexes(plugins, f));
    }
    assert.deepEqual(failures, [false, false, true]);
    assert.deepEqual(thread.answered, { thread: 0, here: FILTERS.length + 4 });
  } finally {
    await thread.close();
  }
});

test("closing the search thread answers what it had pending, and later searches are made here", async () => {
  const thread = new SearchThread();
  const plugins = index(3000);
  const pending = FILTERS.map((f) => thread.search(plugins, f));
  await thread.close();
  assert.deepEqual(
    await Promise.all(pending),
    FILTERS.map((f) => searchIndexes(plugins, f)),
  );
  assert.deepEqual(await thread.search(plugins, "azure"), searchIndexes(plugins, "azure"));
  assert.equal(thread.answered.thread + thread.answered.here, FILTERS.length + 1);
});

test("DiscoverPlugins over a registry of 1,200 plugins answers what the library answers, globs in any case and without backtracking", {
  timeout: 60_000,
}, async () => {
  const http = await startServer();
  const context = await testContext(http.url, { healthCheck: false });
  const name = (i: number) => `${PROVIDERS[i % 3]}-plugin-${String(i).padStart(4, "0")}`;
  // One name of 49 a's: a glob made into a backtracking regular expression takes minutes over it.
  const long = `${"a".repeat(49)}c`;
  publish(http, [
    ...Array.from({ length: 1200 }, (_, i) => ({ name: name(i), versions: [{ version: "1.0.0" }] })),
    { name: long, versions: [{ version: "1.0.0" }] },
  ]);
  const daemon = await startDaemon({ context, listen: `unix:${join(context.tmp, "search.sock")}` });
  const client = registryClient(daemon.address);
  try {
    for (const filter of [
      "aws",
      "gcp-plugin-01",
      "*-plugin-00?5",
      "AZURE-*",
      "for finfocus",
      "a*a*a*a*a*a*a*a*a*a*a*a*b",
      "a*a*a*a*a*a*a*a*a*a*a*a*c",
      "none-such",
    ]) {
      const served = await client.call.DiscoverPlugins!({ filter, include_installed: true });
      const names = served.plugins.map((p: { name: string }) => p.name);
      // A glob is the spec's, over whole names (core's matchesFilter); other text the library's search.
      const expected = /[*?]/.test(filter)
        ? (await discover(context, "")).plugins.map((p) => p.name).filter((n) => matchesFilter(filter, n))
        : (await discover(context, filter)).plugins.map((p) => p.name);
      assert.deepEqual(names, expected, filter);
      assert.equal(expected.length === 0, filter === "none-such" || filter.endsWith("b"), filter);
    }
    const aws = await client.call.DiscoverPlugins!({ filter: "aws", include_installed: true });
    assert.equal(aws.plugins.length, 400, "every third plugin is an aws one");
  } finally {
    client.close();
    await daemon.close();
    await http.close();
  }
});
