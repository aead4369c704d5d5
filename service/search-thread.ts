/**
 * The daemon's search thread: DiscoverPlugins' text search over a large plugin index (core's
 * `searchIndexes`, 0.4 ms over 10,000 plugins) runs on a worker thread, so the event loop that
 * decodes requests, encodes responses, answers health checks and the other RPCs is not held by
 * it, and the daemon's calls use a second core. What matches is decided by the same core function
 * in either thread; the thread answers only positions, and the main thread builds the rows.
 *
 * Each index's searchables are sent once (the index is parsed once per freshness period) and kept
 * by the thread while they are among the last few sent; the main thread decides which, so the two
 * never disagree. A thread that fails is replaced at the next search; searches it had not answered
 * are made in this thread, so a search never fails because of the thread; after three failures
 * (a thread that cannot start) every search is made here.
 */
import { Worker } from "node:worker_threads";
import { type Searchable, searchIndexes } from "../core/text/search-filter.ts";
import type { Searcher } from "../runner/index.ts";

/** Messages to the thread (search-worker.ts). */
export type ToSearch =
  | { type: "index"; id: number; plugins: readonly Searchable[] }
  | { type: "drop"; id: number }
  | { type: "search"; ask: number; id: number; filter: string };

/** The thread's answer: the positions of the plugins that match. */
export interface FromSearch {
  ask: number;
  found: Uint32Array;
}

/** Below this many plugins a search (under 0.05 ms) costs less than handing it to the thread. */
const MIN_PLUGINS = 1000;
/** Indexes the thread keeps (one per registry source and freshness period). */
const INDEXES_KEPT = 4;
/** Failures after which every search is made on the main thread (a thread that cannot start). */
const MAX_FAILURES = 3;

interface Asked {
  plugins: readonly Searchable[];
  filter: string;
  resolve: (found: readonly number[]) => void;
}

export class SearchThread {
  /** How many searches the thread answered, and how many were made in this thread. */
  readonly answered = { thread: 0, here: 0 };
  readonly #script: URL;
  readonly #onFailure: ((error: unknown, givenUp: boolean) => void) | undefined;
  #failures = 0;
  #worker: Worker | undefined;
  /** The indexes the thread holds, oldest first. */
  #sent: { plugins: readonly Searchable[]; id: number }[] = [];
  #asked = new Map<number, Asked>();
  #next = 1;
  #closed = false;

  /**
   * `script`: the thread's module (search-worker.ts; tests give others). `onFailure` hears each
   * failure of the thread, and whether searches now stay on the main thread for good.
   */
  constructor(
    script = new URL("./search-worker.ts", import.meta.url),
    onFailure?: (error: unknown, givenUp: boolean) => void,
  ) {
    this.#script = script;
    this.#onFailure = onFailure;
  }

  /** The searcher to put in the runner's context (`search`). */
  readonly search: Searcher = (plugins, filter) => {
    if (plugins.length < MIN_PLUGINS || this.#closed || this.#failures >= MAX_FAILURES)
      return Promise.resolve(this.#here(plugins, filter));
    const worker = this.#start();
    const id = this.#indexId(worker, plugins);
    const ask = this.#next++;
    return new Promise((resolve) => {
      this.#asked.set(ask, { plugins, filter, resolve });
      worker.postMessage({ type: "search", ask, id, filter } satisfies ToSearch);
    });
  };

  /** Ends the thread; searches it had not answered are made in this thread. */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#fail();
    await worker?.terminate();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(this.#script);
    // The daemon's lifetime is the server's: an idle search thread does not keep the process up.
    worker.unref();
    worker.on("message", ({ ask, found }: FromSearch) => {
      const asked = this.#asked.get(ask);
      this.#asked.delete(ask);
      if (!asked) return;
      this.answered.thread++;
      asked.resolve(Array.from(found));
    });
    const failed = (error: unknown) => {
      if (this.#worker !== worker) return; // closed, or already counted
      this.#failures++;
      this.#onFailure?.(error, this.#failures >= MAX_FAILURES);
      this.#fail();
    };
    worker.on("error", failed);
    worker.on("exit", (code) => failed(new Error(`the search thread exited with code ${code}`)));
    this.#worker = worker;
    return worker;
  }

  /** The id under which the thread holds `plugins`, sending them (and dropping the oldest) if needed. */
  #indexId(worker: Worker, plugins: readonly Searchable[]): number {
    const held = this.#sent.find((s) => s.plugins === plugins);
    if (held) return held.id;
    const id = this.#next++;
    worker.postMessage({ type: "index", id, plugins } satisfies ToSearch);
    this.#sent.push({ plugins, id });
    while (this.#sent.length > INDEXES_KEPT) {
      const oldest = this.#sent.shift();
      if (oldest) worker.postMessage({ type: "drop", id: oldest.id } satisfies ToSearch);
    }
    return id;
  }

  /** The thread is gone (or closed): forget it, and answer what it had not in this thread. */
  #fail(): void {
    this.#worker = undefined;
    this.#sent = [];
    const asked = [...this.#asked.values()];
    this.#asked.clear();
    for (const a of asked) a.resolve(this.#here(a.plugins, a.filter));
  }

  #here(plugins: readonly Searchable[], filter: string): number[] {
    this.answered.here++;
    return searchIndexes(plugins, filter);
  }
}
