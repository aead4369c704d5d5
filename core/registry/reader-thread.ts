import type { Worker } from "node:worker_threads";
import { workerThreads } from "../worker-threads.ts";
import type { SourceLocation } from "./source.types.ts";

/** Messages to the reader thread (read-worker.ts): start the walk, or bytes the main thread let go of. */
export type ToReader = { type: "walk"; window: number; budget: number } | { type: "consumed"; bytes: number };

/**
 * One window of plugins as the reader thread walked them, in listing order: for each plugin, its
 * manifests (regular files `<version>.json` in its versions/ folder), their bytes end to end in one
 * shared buffer (read by the generator's writer thread too, without a copy), where each ends, and
 * their sha256.
 */
export interface WalkWindow {
  plugins: string[];
  /** How many of `versions` are each plugin's, in order. */
  counts: number[];
  versions: string[];
  buffer: SharedArrayBuffer;
  ends: Int32Array;
  sha256: string[];
  /** 1 for a file not read (its unchanged stamp gave its sha256; it has no bytes in `buffer`). */
  unread: Uint8Array;
  /** Each file's stamp line to remember ("" for none: file-stamps.ts). */
  lines: string[];
}

/** What the reader thread starts with. */
export interface ReaderData {
  location: SourceLocation;
  /**
   * Stamps (file-stamps.ts): those the last load remembered (untrusted text), and the wall clock
   * when this load began. Absent: every file is read and no stamp is taken.
   */
  stamps?: { previous: Uint8Array | undefined; startedNs: bigint };
}

/** Messages from the reader thread: a window walked, or the end of the walk. */
export type FromReader = { type: "window"; window: WalkWindow } | { type: "done" };

/**
 * Files as read by the reader thread, in the order a plugin's listing names them. A file without
 * bytes but with a sha256 was not read: its unchanged stamp gave the hash (file-stamps.ts); one
 * with neither is missing.
 */
export interface ReadFiles {
  bytes: (Uint8Array | undefined)[];
  sha256: string[];
}

/** One plugin's manifests as the reader thread read (or stamped) and hashed them, by version. */
export type WalkedPlugin = Map<string, { bytes: Uint8Array | undefined; sha256: string; line: string }>;

/** Plugins the thread walks per message. */
const WALK_WINDOW = 64;
/** Bytes the thread may have read ahead of what the main thread took (bounds the memory held). */
const WALK_BUDGET = 64 * 1024 * 1024;

/**
 * A thread that walks the registry's plugins (their versions/ listings), reading and hashing every
 * manifest (system calls and sha256), from the start of a load, while the main thread judges the
 * layout, reads the entries and then reuses remembered verdicts: the bytes come back without a
 * copy. What it brings is only a head start, never trusted for anything else: the main thread
 * takes a plugin's files from it by the versions its own layout walk accepted, and reads itself
 * any file the thread did not bring (it walks from the other end while the thread is behind; a
 * thread that fails or stops simply brings nothing more).
 */
export class ReaderThread {
  readonly #worker: Worker;
  readonly #walked = new Map<string, WalkedPlugin>();
  /** The last plugin the walk brought; it walks in listing order (sorted by name). */
  #last: string | undefined;
  #done = false;
  #taken = 0;

  constructor(data: ReaderData) {
    this.#worker = new (workerThreads().Worker)(new URL("./read-worker.ts", import.meta.url), {
      workerData: data,
    });
    this.#worker.on("message", (message: FromReader) => {
      if (message.type === "done") this.#finish();
      else this.#arrive(message.window);
    });
    // A thread that fails only stops bringing files: the main thread reads the rest itself.
    this.#worker.on("error", () => this.#finish());
    this.#worker.on("exit", () => this.#finish());
    this.#worker.postMessage({ type: "walk", window: WALK_WINDOW, budget: WALK_BUDGET } satisfies ToReader);
  }

  #arrive({ plugins, counts, versions, buffer, ends, sha256, unread, lines }: WalkWindow): void {
    let file = 0;
    let start = 0;
    for (const [i, name] of plugins.entries()) {
      const files: WalkedPlugin = new Map();
      for (let k = 0; k < (counts[i] ?? 0); k++, file++) {
        const end = ends[file] as number;
        // A Buffer, as the files the main thread reads are (a view of the window, not a copy).
        files.set(versions[file] as string, {
          bytes: unread[file] === 1 ? undefined : Buffer.from(buffer, start, end - start),
          sha256: sha256[file] as string,
          line: lines[file] as string,
        });
        start = end;
      }
      this.#walked.set(name, files);
      this.#last = name;
    }
  }

  #finish(): void {
    this.#done = true;
  }

  /** True when the walk has gone past plugin `name`: what it read of it is here, or never will be. */
  passed(name: string): boolean {
    return this.#done || (this.#last !== undefined && name <= this.#last);
  }

  /** Takes what the walk read of plugin `name` (undefined: nothing; the caller reads it). */
  take(name: string): WalkedPlugin | undefined {
    const files = this.#walked.get(name);
    if (files === undefined) return undefined;
    this.#walked.delete(name);
    for (const { bytes } of files.values()) this.#taken += bytes?.byteLength ?? 0;
    return files;
  }

  /** Tells the thread how many bytes were taken since the last call, so it may read that many ahead again. */
  ack(): void {
    if (this.#taken === 0 || this.#done) return;
    this.#worker.postMessage({ type: "consumed", bytes: this.#taken } satisfies ToReader);
    this.#taken = 0;
  }

  async close(): Promise<void> {
    this.#done = true;
    this.#walked.clear();
    await this.#worker.terminate();
  }
}
