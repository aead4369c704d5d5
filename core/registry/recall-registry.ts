/**
 * Validation with remembered verdicts (core/validate/verdicts.ts): this thread hashes every
 * manifest and reuses every verdict it can, which costs little more than reading (with enough
 * files a reader thread, started with the load, walks the plugins from the front, reading and
 * hashing their manifests while this thread judges the layout and the entries; this thread reads
 * from the back while the reader is behind: reader-thread.ts); only the plugins with a manifest
 * left to judge are validated again, on worker threads when there are enough of them to pay for
 * starting the threads. Nothing crosses a thread for a plugin whose verdicts were all reused,
 * except its bytes, which are transferred, not copied.
 */
import { setImmediate as yieldToEvents } from "node:timers/promises";
import type { RegistryConfig } from "../registry.types.ts";
import type { KnownVersion } from "../rules/rule.types.ts";
import { versionFile } from "./layout.ts";
import type { ReaderThread, ReadFiles } from "./reader-thread.ts";
import type { SourceLocation } from "./source.types.ts";
import {
  type KeepManifests,
  type PluginResult,
  type PluginWork,
  type Recall,
  recallPlugin,
  validatePlugin,
} from "./validate-plugin.ts";
import { ValidationPool } from "./worker-pool.ts";

/** Plugins recalled together (bounds the bytes held at once; lets a git source pipeline its reads). */
const WINDOW = 64;

export interface RecallContext {
  config: RegistryConfig | undefined;
  known: Map<string, KnownVersion[]>;
  read: (rel: string) => Promise<Uint8Array | undefined>;
  keepManifests: KeepManifests;
  /** Where worker threads can open the source (absent: this thread judges everything). */
  location: SourceLocation | undefined;
  threads: number;
  /** Fewest manifests to judge for which worker threads are started. */
  parallelThreshold: number;
  /** The reader thread walking the registry since the load began (loadRegistry starts it), if any. */
  reader?: ReaderThread;
}

/** Every job's result, in the jobs' order (see the module comment). */
export async function validateRecalled(jobs: PluginWork[], ctx: RecallContext): Promise<PluginResult[]> {
  const { config, known, read, keepManifests: keep, reader } = ctx;
  const lookup = (name: string): readonly KnownVersion[] | undefined => known.get(name);
  const answers = new Map<string, string>();
  const results: PluginResult[] = new Array(jobs.length);
  const pending: number[] = [];
  // Recalls of plugins left to judge, kept so this thread need not read them again; dropped once
  // there are enough to start worker threads (which read their own).
  let recalls: Map<number, Recall> | undefined = new Map();
  let toJudge = 0;
  let pool: ValidationPool | undefined;
  const parallel = ctx.location !== undefined && ctx.threads > 1;

  // A plugin's files as the reader thread brought them, in its listing's order; a file it did not
  // bring is read here (recallPlugin hashes what has no sha256).
  const walked = async (job: PluginWork): Promise<ReadFiles | undefined> => {
    const files = reader?.take(job.listing.name);
    if (files === undefined) return undefined;
    const bytes: (Uint8Array | undefined)[] = [];
    const sha256: string[] = [];
    for (const version of job.listing.versionFiles) {
      const file = files.get(version);
      bytes.push(file ? file.bytes : await read(versionFile(job.listing.name, version)));
      sha256.push(file ? file.sha256 : "");
    }
    return { bytes, sha256 };
  };

  const recallRange = async (start: number, end: number): Promise<void> => {
    const recalled = await Promise.all(
      jobs
        .slice(start, end)
        .map(async (job) => recallPlugin(job, lookup, read, keep, answers, await walked(job))),
    );
    reader?.ack();
    for (const [k, recall] of recalled.entries()) {
      const i = start + k;
      const job = jobs[i] as PluginWork;
      if (recall.complete) {
        results[i] = await validatePlugin(job, config, lookup, read, keep, recall);
        continue;
      }
      pending.push(i);
      toJudge += recall.versions.filter((v) => v.bytes && !v.verdict).length;
      recalls?.set(i, recall);
    }
    if (!pool && parallel && ctx.location && toJudge >= ctx.parallelThreshold) {
      pool = new ValidationPool(ctx.location, ctx.threads);
      recalls = undefined;
    }
  };

  try {
    // The reader thread walks from the front; this thread takes the plugins it has passed, and
    // while it is behind reads windows itself from the back, until the two meet.
    let front = 0;
    let back = jobs.length;
    while (front < back) {
      let end = front;
      while (
        reader &&
        end < back &&
        end - front < WINDOW &&
        reader.passed((jobs[end] as PluginWork).listing.name)
      )
        end++;
      if (end > front) {
        await recallRange(front, end);
        front = end;
      } else if (reader) {
        const start = Math.max(front, back - WINDOW);
        await recallRange(start, back);
        back = start;
      } else {
        end = Math.min(front + WINDOW, back);
        await recallRange(front, end);
        front = end;
      }
      if (reader) await yieldToEvents(); // let the reader's windows in
    }
    await reader?.close();
    pending.sort((a, b) => a - b);
    if (pool) {
      const judged = await pool.run(
        config,
        known,
        pending.map((i) => jobs[i] as PluginWork),
        read,
        keep,
      );
      for (const [k, result] of judged.entries()) results[pending[k] as number] = result;
    } else {
      for (const i of pending)
        results[i] = await validatePlugin(jobs[i] as PluginWork, config, lookup, read, keep, recalls?.get(i));
    }
  } finally {
    await Promise.all([reader?.close(), pool?.close()]);
  }
  return results;
}
