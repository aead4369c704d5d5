import { setImmediate as yieldToEvents } from "node:timers/promises";
import { Worker } from "node:worker_threads";
import type { Manifest } from "../manifest.types.ts";
import type { RegistryConfig, VersionRecord } from "../registry.types.ts";
import type { KnownVersion } from "../rules/rule.types.ts";
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
const IN_FLIGHT = 2;

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
  | { type: "chunk"; id: number; jobs: PluginWork[] };

/** Messages from a worker. */
export interface FromWorker {
  id: number;
  results: PackedResult[];
}

/**
 * A result as it crosses from a worker: each kept manifest as the text it was validated from
 * (`manifestText`), not the parsed object. A structured clone of a parsed manifest costs about
 * 8 µs to write and 19 µs to read back (measured on 2 KB manifests), the text about 2 µs, and
 * `JSON.parse` of it 6 µs, on the main thread that every result reaches.
 */
export type PackedResult = Omit<PluginResult, "versions"> & {
  versions: (Omit<VersionRecord, "manifest"> & { manifest?: Manifest; manifestText?: string })[];
};

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * `result` to post (the worker's side): each kept manifest replaced with its text, decoded from
 * `bytes`, the bytes each file was validated from (a manifest whose bytes are not there, or not
 * UTF-8, is left as it is: the clone carries it).
 */
export function packResult(result: PluginResult, bytes: ReadonlyMap<string, Uint8Array>): PackedResult {
  if (result.versions.length === 0) return result;
  return {
    ...result,
    versions: result.versions.map((record) => {
      const read = bytes.get(record.file);
      if (read === undefined) return record;
      let manifestText: string;
      try {
        manifestText = utf8.decode(read);
      } catch {
        return record;
      }
      const { manifest: _, ...file } = record;
      return { ...file, manifestText };
    }),
  };
}

/**
 * A posted result as the main thread uses it: each manifest parsed from its text. The text is
 * what the worker validated, and a valid manifest parses to the same value everywhere.
 */
export function unpackResult(packed: PackedResult): PluginResult {
  if (packed.versions.every((record) => record.manifestText === undefined)) return packed as PluginResult;
  return {
    ...packed,
    versions: packed.versions.map(({ manifestText, manifest, ...file }) => ({
      ...file,
      manifest: manifestText === undefined ? (manifest as Manifest) : (JSON.parse(manifestText) as Manifest),
    })),
  };
}

/**
 * Worker threads that validate an on-disk registry's plugins alongside the main thread. Started
 * early (they load modules and compile schemas while the main thread reads entries), then fed
 * chunks from one queue that the main thread also takes from, so a slow-starting worker simply
 * does less of the work.
 */
export class ValidationPool {
  readonly #workers: Worker[];

  constructor(location: SourceLocation, threads: number) {
    this.#workers = Array.from(
      { length: Math.max(0, threads - 1) },
      () => new Worker(new URL("./load-worker.ts", import.meta.url), { workerData: { location } }),
    );
  }

  /**
   * Validates every job; results come back in the jobs' order. Terminates the workers. With
   * `stamps`, every thread takes the stamps of the files it reads (validatePluginStamped).
   */
  async run(
    config: RegistryConfig | undefined,
    known: Map<string, KnownVersion[]>,
    jobs: PluginWork[],
    read: (rel: string) => Promise<Uint8Array | undefined>,
    keepManifests: KeepManifests,
    stamps?: { source: RegistrySource; startedNs: bigint },
  ): Promise<PluginResult[]> {
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
          worker.on("message", (message: FromWorker) => {
            results[message.id] = message.results.map(unpackResult);
            pending--;
            send();
          });
          worker.once("error", reject);
          worker.postMessage(init);
          // Two chunks in flight: the main thread hears a worker's reply only between its own
          // chunks, and the worker works on the second meanwhile instead of waiting.
          for (let i = 0; i < IN_FLIGHT; i++) send();
        }),
    );
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
