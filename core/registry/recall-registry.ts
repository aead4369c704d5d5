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
import { type LoadStamps, type ReadFile, rememberedLine } from "./file-stamps.ts";
import { versionFile } from "./layout.ts";
import type { ReaderThread, ReadFiles } from "./reader-thread.ts";
import type { RegistrySource, SourceLocation } from "./source.types.ts";
import {
  type KeepManifests,
  type PluginResult,
  type PluginWork,
  type Recall,
  readVersionFiles,
  recallPlugin,
  summarizedPlugin,
  validatePlugin,
} from "./validate-plugin.ts";
import { ValidationPool } from "./worker-pool.ts";

/** Plugins recalled together (bounds the bytes held at once; lets a git source pipeline its reads). */
const WINDOW = 64;

export interface RecallContext {
  config: RegistryConfig | undefined;
  known: Map<string, KnownVersion[]>;
  read: ReadFile;
  keepManifests: KeepManifests;
  /** The source (its files are read through `read`, stat'ed through it). */
  source: RegistrySource;
  /** Where worker threads can open the source (absent: this thread judges everything). */
  location: SourceLocation | undefined;
  threads: number;
  /** Fewest manifests to judge for which worker threads are started. */
  parallelThreshold: number;
  /** The reader thread walking the registry since the load began (loadRegistry starts it), if any. */
  reader?: ReaderThread;
  /**
   * File stamps (file-stamps.ts), used and taken here as the reader thread does for the files it
   * walks: the source's `stamp`, the stamps offered, and the wall clock when the load began.
   */
  stamps?: LoadStamps;
  /** Verdict summaries by plugin name (core/validate/verdicts.ts): a plugin whose summary is reusable is not recalled. */
  summaries?: Map<string, string>;
  /** The remembered verdicts of a plugin that is recalled (its job's `verdicts.previous` is filled from it first). */
  previousOf?: (job: PluginWork) => Record<string, unknown>;
}

/** What `validateRecalled` found. */
export interface Recalled {
  /** Every job's result, in the jobs' order. */
  results: PluginResult[];
  /**
   * With `stamps`: how many stamp lines to remember, and those lines, in the jobs' order (the
   * manifests they accepted), made when asked (most are the lines offered, as they were).
   */
  stampLines?: { count: number; lines: () => string[] };
  /** With `stamps`: how many of `stampLines` are of files read (not remembered as they were). */
  freshStamps?: number;
}

/** Every job's result (see the module comment). */
export async function validateRecalled(jobs: PluginWork[], ctx: RecallContext): Promise<Recalled> {
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

  const { stamps, summaries } = ctx;
  // Each job's stamp lines, one per version file in its listing's order ("": none).
  const stampLines: string[][] | undefined = stamps ? new Array(jobs.length) : undefined;
  let freshStamps = 0;

  // A plugin's files as the reader thread brought them, in its listing's order; the files it did
  // not bring are read together (each stat'ed first, when taking stamps) and hashed here.
  // Undefined: nothing was brought, and neither stamps nor summaries need the hashes first
  // (recallPlugin reads the files together).
  const walked = async (job: PluginWork, at: number): Promise<ReadFiles | undefined> => {
    const brought = reader?.take(job.listing.name);
    if (brought === undefined && !stamps && !summaries) return undefined;
    const { files, lines, fresh } = await readVersionFiles(ctx.source, stamps, job.listing, read, brought);
    if (stampLines) {
      stampLines[at] = lines;
      freshStamps += fresh;
    }
    return files;
  };

  // A plugin reused whole from its summary, or recalled. A file whose stamp gave a hash that
  // recallPlugin then read and found otherwise (a corrupt store) is not remembered under that hash.
  const recallJob = async (job: PluginWork, at: number): Promise<Recall | PluginResult> => {
    const files = await walked(job, at);
    const summarized =
      files && summaries
        ? summarizedPlugin(job, files, summaries.get(job.listing.name), keep, lookup, answers)
        : undefined;
    if (summarized) return summarized;
    if (ctx.previousOf && job.verdicts) job.verdicts.previous = ctx.previousOf(job);
    const recall = await recallPlugin(job, lookup, read, keep, answers, files);
    const lines = stampLines?.[at];
    if (files && lines)
      for (const [i, version] of recall.versions.entries())
        if (version.sha256 !== files.sha256[i]) lines[i] = "";
    return recall;
  };

  const recallRange = async (start: number, end: number): Promise<void> => {
    const recalled = await Promise.all(jobs.slice(start, end).map((job, k) => recallJob(job, start + k)));
    reader?.ack();
    for (const [k, recall] of recalled.entries()) {
      const i = start + k;
      const job = jobs[i] as PluginWork;
      if (!("complete" in recall)) {
        results[i] = recall;
        continue;
      }
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
  return {
    results,
    ...(stamps && stampLines
      ? {
          stampLines: {
            count: stampLines.reduce((n, lines) => n + lines.filter((l) => l !== "").length, 0),
            lines: () =>
              stampLines.flatMap((lines, at) => {
                const { name, versionFiles } = (jobs[at] as PluginWork).listing;
                return lines.flatMap((line, i) => {
                  const text =
                    line === ""
                      ? ""
                      : rememberedLine(stamps.index, versionFile(name, versionFiles[i] as string), line);
                  return text === "" ? [] : [text];
                });
              }),
          },
          freshStamps,
        }
      : {}),
  };
}
