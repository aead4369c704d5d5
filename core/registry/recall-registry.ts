/**
 * Validation with remembered verdicts (core/validate/verdicts.ts): this thread reads and hashes
 * every manifest and reuses every verdict it can, which costs little more than reading (with
 * enough files a reader thread reads and hashes windows of plugins beside it: reader-thread.ts);
 * only the plugins with a manifest left to judge are validated again, on worker threads when
 * there are enough of them to pay for starting the threads. Nothing crosses a thread for a plugin
 * whose verdicts were all reused, except its bytes, which are transferred, not copied.
 */
import { setImmediate as yieldToEvents } from "node:timers/promises";
import type { RegistryConfig } from "../registry.types.ts";
import type { KnownVersion } from "../rules/rule.types.ts";
import { versionFile } from "./layout.ts";
import { ReaderThread, type ReadFiles } from "./reader-thread.ts";
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

/** Plugins read together (bounds the bytes held at once; lets a git source pipeline its reads). */
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
}

/** Every job's result, in the jobs' order (see the module comment). */
export async function validateRecalled(jobs: PluginWork[], ctx: RecallContext): Promise<PluginResult[]> {
  const { config, known, read, keepManifests: keep } = ctx;
  const lookup = (name: string): readonly KnownVersion[] | undefined => known.get(name);
  const answers = new Map<string, string>();
  const results: PluginResult[] = new Array(jobs.length);
  const pending: number[] = [];
  // Recalls of plugins left to judge, kept so this thread need not read them again; dropped once
  // there are enough to start worker threads (which read their own).
  let recalls: Map<number, Recall> | undefined = new Map();
  let toJudge = 0;
  let pool: ValidationPool | undefined;
  const manifests = jobs.reduce((n, job) => n + job.listing.versionFiles.length, 0);
  const parallel = ctx.location !== undefined && ctx.threads > 1;
  // With enough files, a reader thread reads and hashes windows of plugins beside this thread.
  const reader =
    parallel && ctx.location && manifests >= ctx.parallelThreshold
      ? new ReaderThread(ctx.location)
      : undefined;

  const recallWindow = async (w: number, prefetched?: ReadFiles): Promise<void> => {
    const start = w * WINDOW;
    const window = jobs.slice(start, start + WINDOW);
    let at = 0;
    const recalled = await Promise.all(
      window.map((job) => {
        const count = job.listing.versionFiles.length;
        const files = prefetched && {
          bytes: prefetched.bytes.slice(at, at + count),
          sha256: prefetched.sha256.slice(at, at + count),
        };
        at += count;
        return recallPlugin(job, lookup, read, keep, answers, files);
      }),
    );
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
    // Windows come from one queue: the reader thread takes the next one whenever it has read
    // one (two asked ahead), this thread takes one whenever nothing the reader read is waiting.
    const windows = Math.ceil(jobs.length / WINDOW);
    let next = 0;
    const arrived: { w: number; files: ReadFiles }[] = [];
    let asked = 0;
    let failure: unknown;
    let wake: (() => void) | undefined;
    const ask = (): void => {
      if (!reader || next >= windows) return;
      const w = next++;
      const files = jobs
        .slice(w * WINDOW, (w + 1) * WINDOW)
        .flatMap((job) => job.listing.versionFiles.map((v) => versionFile(job.listing.name, v)));
      asked++;
      reader.read(files).then(
        (read) => {
          asked--;
          arrived.push({ w, files: read });
          ask();
          wake?.();
        },
        (error: unknown) => {
          asked--;
          failure ??= error;
          wake?.();
        },
      );
    };
    ask();
    ask();
    for (;;) {
      if (failure !== undefined) throw failure;
      const ready = arrived.shift();
      if (ready) {
        await recallWindow(ready.w, ready.files);
        continue;
      }
      if (next < windows) {
        await recallWindow(next++);
        if (reader) await yieldToEvents(); // let the reader's replies in
        continue;
      }
      if (asked === 0) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
    await reader?.close();
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
