/**
 * A worker thread of loadRegistry (see worker-pool.ts): validates the chunks of plugins the main
 * thread sends and posts the results back; while the main thread walks the layout, it reads the
 * batches of entries it is sent and claims first (EntrySharing). Only the main thread reads config.json.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { RegistryConfig } from "../registry.types.ts";
import type { KnownVersion } from "../rules/rule.types.ts";
import { validators } from "../schema/validators.ts";
import { loadEntry } from "./entry-stamps.ts";
import type { ReadFile } from "./file-stamps.ts";
import { entryFile } from "./layout.ts";
import type { SourceLocation } from "./source.types.ts";
import { sourceAt } from "./source-at.ts";
import { type KeepManifests, validatePluginStamped } from "./validate-plugin.ts";
import { type FromWorker, packResults, type ToWorker } from "./worker-pool.ts";

const source = sourceAt((workerData as { location: SourceLocation }).location);
const read: ReadFile = (rel, stamped) => source.readFile(rel, stamped);
let config: RegistryConfig | undefined;
let known = new Map<string, KnownVersion[]>();
let keepManifests: KeepManifests = true;
let stamps: { source: typeof source; startedNs: bigint } | undefined;
let queue = Promise.resolve();
/** The claims of the batches of entries shared with the main thread (EntrySharing). */
let claims: Int32Array | undefined;
/** Entry stamps are taken here only with none to use (the pool judges every manifest). */
const NO_STAMPS = new Map<string, string>();
const lookup = (name: string): readonly KnownVersion[] | undefined => known.get(name);

validators(); // load the compiled validators while the main thread is still reading entries

parentPort?.on("message", async (message: ToWorker) => {
  if (message.type === "claims") {
    claims = new Int32Array(message.claims);
    return;
  }
  if (message.type === "entries") {
    const { batch, names } = message;
    const entryStamps = message.stamps && { ...message.stamps, index: NO_STAMPS };
    queue = queue.then(async () => {
      // The main thread reads a batch it claimed first (EntrySharing); this one is then skipped.
      if (claims === undefined || Atomics.compareExchange(claims, batch, 0, 1) !== 0) {
        parentPort?.postMessage({ type: "entries", batch } satisfies FromWorker);
        return;
      }
      const entries = [];
      for (const name of names)
        entries.push(await loadEntry(source, entryStamps, entryFile(name), name, read));
      parentPort?.postMessage({ type: "entries", batch, entries } satisfies FromWorker);
    });
    return;
  }
  if (message.type === "init") {
    config = message.config;
    known = new Map(message.known);
    keepManifests = message.keepManifests;
    stamps = message.stampsSince === undefined ? undefined : { source, startedNs: message.stampsSince };
    return;
  }
  // Chunks one after the other (the pool keeps two here): each is answered as soon as it is done.
  const jobs = message.jobs;
  const id = message.id;
  queue = queue.then(async () => {
    const results = [];
    for (const job of jobs)
      results.push(await validatePluginStamped(job, config, lookup, read, keepManifests, stamps));
    // Kept manifests' bytes cross in one shared buffer (packResults).
    const packed = packResults(results);
    parentPort?.postMessage({ type: "chunk", id, ...packed } satisfies FromWorker);
  });
});
