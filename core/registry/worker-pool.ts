import { setImmediate as yieldToEvents } from "node:timers/promises";
import type { Worker } from "node:worker_threads";
import type { Manifest } from "../manifest.types.ts";
import type { RegistryConfig, VersionRecord } from "../registry.types.ts";
import type { KnownVersion } from "../rules/rule.types.ts";
import { workerThreads } from "../worker-threads.ts";
import type { LoadedEntry } from "./entry-stamps.ts";
import type { ReadFile } from "./file-stamps.ts";
import type { RegistrySource, SourceLocation } from "./source.types.ts";
import {
  type KeepManifests,
  type PluginResult,
  type PluginWork,
  validatePluginStamped,
} from "./validate-plugin.ts";

/** Plugins per unit of work: small enough to balance threads, large enough to amortize messages. */
const CHUNK_MANIFESTS = 400;
/** Chunks a worker holds at once (see `run`). */
const IN_FLIGHT = 3;

/** Messages from the main thread to a worker (load-worker.ts). */
export type ToWorker =
  | {
      type: "init";
      config?: RegistryConfig;
      known: [string, KnownVersion[]][];
      keepManifests: KeepManifests;
      /** Take file stamps (validatePluginStamped), the load having begun at this wall clock time. */
      stampsSince?: bigint;
    }
  | { type: "chunk"; id: number; jobs: PluginWork[] }
  /** The claim of each batch of entries (`EntrySharing`): 0 open, 1 the worker's, 2 the main thread's. */
  | { type: "claims"; claims: SharedArrayBuffer }
  | { type: "entries"; batch: number; names: string[]; stamps?: EntryStampsTaken };

/** Messages from a worker: a chunk's results, or a batch's entries (absent: the main thread claimed it). */
export type FromWorker =
  | ({ type: "chunk"; id: number } & PackedChunk)
  | { type: "entries"; batch: number; entries?: (LoadedEntry | undefined)[] };

/** Entry stamps taken with none to use (a load that judges every manifest): what a worker needs of them. */
export interface EntryStampsTaken {
  tag: string;
  startedNs: bigint;
}

/** Plugins per batch of entries shared with the workers during the layout walk. */
const ENTRY_BATCH = 200;

/**
 * A result as it crosses from a worker: each kept manifest as a span of its chunk's buffer
 * (`PackedChunk`), the bytes it was validated from, not the parsed object. A structured clone of
 * a parsed 2 KB manifest costs about 8 µs to write and 19 µs to read back; the bytes cross in one
 * shared buffer per chunk, not copied, and are decoded and parsed (about 7 µs) on the main
 * thread that every result reaches, which keeps them as the manifest's `bytes`.
 */
export type PackedResult = Omit<PluginResult, "versions"> & {
  versions: (Omit<VersionRecord, "manifest" | "bytes"> & { manifest?: Manifest; span?: [number, number] })[];
};

/** A chunk's results as they cross from a worker: the kept manifests' bytes, one after the other, in `bytes`. */
export interface PackedChunk {
  results: PackedResult[];
  /** Shared memory, crossing without a copy (present when a manifest was kept). */
  bytes?: SharedArrayBuffer;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * `results` to post (the worker's side): each kept manifest with its bytes replaced by its span of
 * one new buffer that holds them all (a file's bytes may be a view of a larger buffer that must not
 * cross whole), to transfer. A kept manifest without bytes crosses as the object it is.
 */
export function packResults(results: PluginResult[]): PackedChunk {
  let size = 0;
  for (const result of results) for (const record of result.versions) size += record.bytes?.byteLength ?? 0;
  if (size === 0) return { results };
  // Shared memory: it crosses without a copy, and so does it again to the generator's writer thread.
  const buffer = new Uint8Array(new SharedArrayBuffer(size));
  let at = 0;
  const packed = results.map((result): PackedResult => {
    if (result.versions.length === 0) return result;
    return {
      ...result,
      versions: result.versions.map(({ manifest, bytes, ...file }) => {
        if (bytes === undefined) return { ...file, manifest };
        buffer.set(bytes, at);
        const span: [number, number] = [at, at + bytes.byteLength];
        at = span[1];
        return { ...file, span };
      }),
    };
  });
  return { results: packed, bytes: buffer.buffer };
}

/**
 * A posted chunk as the main thread uses it: each manifest parsed from its bytes, which it keeps.
 * They are what the worker validated (UTF-8: its loader refused anything else), and a valid
 * manifest parses to the same value everywhere.
 */
export function unpackResults({ results, bytes }: PackedChunk): PluginResult[] {
  return results.map((packed) => {
    if (bytes === undefined || packed.versions.every((record) => record.span === undefined))
      return packed as PluginResult;
    return {
      ...packed,
      versions: packed.versions.map(({ span, manifest, ...file }) => {
        if (span === undefined) return { ...file, manifest: manifest as Manifest };
        // A Buffer, as the files this thread reads are: a view of the shared buffer, not a copy.
        const kept = Buffer.from(bytes, span[0], span[1] - span[0]);
        return { ...file, manifest: JSON.parse(utf8.decode(kept)) as Manifest, bytes: kept };
      }),
    };
  });
}

/**
 * Worker threads that validate an on-disk registry's plugins alongside the main thread. Started
 * early (they load modules and compile schemas while the main thread reads entries), then fed
 * chunks from one queue that the main thread also takes from, so a slow-starting worker simply
 * does less of the work.
 */
export class ValidationPool {
  readonly #workers: Worker[];
  /** Each worker's handler of chunk results, while `run` runs. */
  readonly #chunkReplies: ((message: { id: number } & PackedChunk) => void)[] = [];
  /** Batches of entries a worker was asked for, by batch: resolved with its answer, or undefined if it stopped. */
  readonly #entryReplies = new Map<number, (entries: (LoadedEntry | undefined)[] | undefined) => void>();
  /** Workers that failed, with their error. */
  readonly #failures = new Map<Worker, unknown>();

  constructor(location: SourceLocation, threads: number) {
    this.#workers = Array.from(
      { length: Math.max(0, threads - 1) },
      () =>
        new (workerThreads().Worker)(new URL("./load-worker.ts", import.meta.url), {
          workerData: { location },
        }),
    );
    for (const [i, worker] of this.#workers.entries()) {
      worker.on("message", (message: FromWorker) => {
        if (message.type === "chunk") this.#chunkReplies[i]?.(message);
        else this.#answerEntries(message.batch, message.entries);
      });
      // A worker that fails before `run` (while entries are shared) fails the run.
      worker.once("error", (error) => this.#failures.set(worker, error));
      // A worker that stops leaves its batches of entries to the main thread.
      worker.once("exit", () => {
        for (const batch of [...this.#entryReplies.keys()]) this.#answerEntries(batch, undefined);
      });
    }
  }

  #answerEntries(batch: number, entries: (LoadedEntry | undefined)[] | undefined): void {
    const answer = this.#entryReplies.get(batch);
    this.#entryReplies.delete(batch);
    answer?.(entries);
  }

  /**
   * Shares reading the entries of `plugins` plugins (those plugins/ lists) with the workers while
   * the layout walk goes on: see EntrySharing. `stamps` as `loadEntry` takes them, with none to use.
   */
  shareEntries(plugins: number, stamps: EntryStampsTaken | undefined): EntrySharing {
    const claims = new Int32Array(new SharedArrayBuffer(4 * (Math.ceil(plugins / ENTRY_BATCH) + 1)));
    for (const worker of this.#workers)
      worker.postMessage({ type: "claims", claims: claims.buffer } satisfies ToWorker);
    return new EntrySharing(claims, (batch, names) => {
      const worker = this.#workers[batch % this.#workers.length];
      if (worker === undefined || batch >= claims.length) return undefined;
      const reply = new Promise<(LoadedEntry | undefined)[] | undefined>((resolve) =>
        this.#entryReplies.set(batch, resolve),
      );
      worker.postMessage({ type: "entries", batch, names, ...(stamps ? { stamps } : {}) } satisfies ToWorker);
      return reply;
    });
  }

  /**
   * Validates every job; results come back in the jobs' order. Terminates the workers. With
   * `stamps`, every thread takes the stamps of the files it reads (validatePluginStamped).
   */
  async run(
    config: RegistryConfig | undefined,
    known: Map<string, KnownVersion[]>,
    jobs: PluginWork[],
    read: ReadFile,
    keepManifests: KeepManifests,
    stamps?: { source: RegistrySource; startedNs: bigint },
  ): Promise<PluginResult[]> {
    // A worker that failed before (while entries were shared) fails the run at once.
    for (const failed of this.#failures.values()) {
      await this.close();
      throw failed;
    }
    const chunks = chunk(jobs);
    const results: PluginResult[][] = new Array(chunks.length);
    let next = 0;
    const take = (): number | undefined => (next < chunks.length ? next++ : undefined);
    const init: ToWorker = {
      type: "init",
      ...(config ? { config } : {}),
      known: [...known],
      keepManifests,
      ...(stamps ? { stampsSince: stamps.startedNs } : {}),
    };
    const remote = this.#workers.map(
      (worker) =>
        new Promise<void>((resolve, reject) => {
          let pending = 0;
          const send = (): void => {
            const id = take();
            if (id === undefined) {
              if (pending === 0) resolve();
              return;
            }
            pending++;
            worker.postMessage({ type: "chunk", id, jobs: chunks[id] ?? [] } satisfies ToWorker);
          };
          this.#chunkReplies[this.#workers.indexOf(worker)] = (message) => {
            results[message.id] = unpackResults(message);
            pending--;
            send();
          };
          worker.once("error", reject);
          worker.postMessage(init);
          // IN_FLIGHT chunks: the main thread hears a worker's reply only between its own chunks
          // (longer when it keeps manifests: it parses the workers' too), and the worker works on
          // the next ones meanwhile instead of waiting (profiled with two: idle a tenth of the time).
          for (let i = 0; i < IN_FLIGHT; i++) send();
        }),
    );
    // Awaited after this thread's own chunks; a failure meanwhile is not an unhandled rejection.
    for (const done of remote) done.catch(() => {});
    try {
      const lookup = (name: string): readonly KnownVersion[] | undefined => known.get(name);
      for (let id = take(); id !== undefined; id = take()) {
        const local: PluginResult[] = [];
        for (const job of chunks[id] ?? [])
          local.push(await validatePluginStamped(job, config, lookup, read, keepManifests, stamps));
        results[id] = local;
        await yieldToEvents(); // let worker replies in, so they get their next chunk
      }
      await Promise.all(remote);
    } finally {
      await this.close();
    }
    return results.flat();
  }

  /** Stops the workers (also when the pool ends up unused). */
  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

/**
 * Entries read on the workers while the main thread walks the layout: each plugin walked is
 * `add`ed, and every ENTRY_BATCH of them go to a worker as a batch. A batch is read by whichever
 * thread claims it first (an atomic claim in shared memory): a worker that is still starting, or
 * stopped, leaves its batches to the main thread, which `finish` makes read every batch not
 * claimed, and the last partial one.
 */
export class EntrySharing {
  readonly #claims: Int32Array;
  readonly #post: (
    batch: number,
    names: string[],
  ) => Promise<(LoadedEntry | undefined)[] | undefined> | undefined;
  readonly #batches: {
    names: string[];
    reply: Promise<(LoadedEntry | undefined)[] | undefined> | undefined;
  }[] = [];
  #current: string[] = [];

  constructor(
    claims: Int32Array,
    post: (batch: number, names: string[]) => Promise<(LoadedEntry | undefined)[] | undefined> | undefined,
  ) {
    this.#claims = claims;
    this.#post = post;
  }

  /** A plugin walked: its entry is read in a batch. */
  add(name: string): void {
    this.#current.push(name);
    if (this.#current.length < ENTRY_BATCH) return;
    const names = this.#current;
    this.#current = [];
    this.#batches.push({ names, reply: this.#post(this.#batches.length, names) });
  }

  /** Every entry added, by plugin: the workers' batches, and the others read with `load` here. */
  async finish(
    load: (name: string) => Promise<LoadedEntry | undefined>,
  ): Promise<Map<string, LoadedEntry | undefined>> {
    const loaded = new Map<string, LoadedEntry | undefined>();
    const here = async (names: readonly string[]): Promise<void> => {
      for (const name of names) loaded.set(name, await load(name));
    };
    await here(this.#current);
    // First every batch no worker has claimed (claimed here now), then the workers' answers.
    const theirs: { names: string[]; reply: Promise<(LoadedEntry | undefined)[] | undefined> }[] = [];
    for (const [batch, { names, reply }] of this.#batches.entries()) {
      if (reply !== undefined && Atomics.compareExchange(this.#claims, batch, 0, 2) !== 0)
        theirs.push({ names, reply });
      else await here(names);
    }
    for (const { names, reply } of theirs) {
      const entries = await reply;
      // A worker that stopped before answering leaves its batch to be read here.
      if (entries === undefined || entries.length !== names.length) await here(names);
      else for (const [i, name] of names.entries()) loaded.set(name, entries[i]);
    }
    return loaded;
  }
}

function chunk(jobs: PluginWork[]): PluginWork[][] {
  const chunks: PluginWork[][] = [[]];
  let size = 0;
  for (const job of jobs) {
    if (size >= CHUNK_MANIFESTS) {
      chunks.push([]);
      size = 0;
    }
    chunks.at(-1)?.push(job);
    size += job.listing.versionFiles.length;
  }
  return chunks;
}
