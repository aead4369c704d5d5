/**
 * `FileWriter`: creates the files the incremental writer (write-fs.ts) decided to write, on the
 * main thread and, when there are many, on a worker thread beside it. A full build creates over a
 * hundred thousand files and folders, and the system calls of creating them (mkdir, open, write,
 * close) are most of its time: two threads create them in about half the time on two cores.
 *
 * Files are handed over in batches. A batch goes to the thread while it has fewer than
 * `QUEUED_BATCHES` not yet written (it counts them down in shared memory, so the main thread
 * learns without waiting for its event loop), else the main thread writes the batch itself: the
 * work balances itself between rendering and writing. A small write (a rebuild) never starts the
 * thread, nor does one on a single core. Files handed over `ahead` of the others (a build's
 * manifests, while it builds its model) go to the thread at once, and the main thread takes back
 * from the end those the thread has not reached when everything else is written. Every file is on disk, or the first error thrown, once `finish()` returns.
 * Both threads write only through real folders below the output folder, into new files
 * (write-guard.ts): a symbolic link on the way is refused, on whichever thread meets it.
 */
import { availableParallelism } from "node:os";
import { dirname, sep } from "node:path";
import type { Worker } from "node:worker_threads";
import { RegistryError } from "../core/errors.ts";
import { workerThreads } from "../core/worker-threads.ts";
import type { Pieces } from "./output.types.ts";
import { createFile, OutputFolders } from "./write-guard.ts";

/** Files per batch, and the bytes after which a batch is handed over early. */
const BATCH_FILES = 64;
const BATCH_BYTES = 1 << 20;
/** Files written before the thread is worth starting (its start costs tens of milliseconds). */
const START_AFTER = 2 * BATCH_FILES;
/** Batches the thread may have waiting; beyond that, the main thread writes. */
const QUEUED_BATCHES = 6;

/** A batch: absolute paths and their contents (a string is UTF-8). */
export interface WriteBatch {
  targets: string[];
  contents: (string | Uint8Array | Pieces)[];
}

/**
 * Files handed over before anything else (`FileWriter.ahead`), in batches of `BATCH_FILES`: file
 * i's bytes are in `buffers[spans[3i]]` from `spans[3i + 1]`, `spans[3i + 2]` of them. Bytes
 * already in shared memory (those the registry's load read: core/registry) cross as they are, the
 * others copied. Each batch is written by the thread that claims it in `claims` (0: free, 1: the
 * writer thread, 2: the main thread): the writer thread from the first, the main thread from the
 * last.
 */
export interface AheadFiles {
  /**
   * The paths, relative to the output folder, each ended by a line break (one string crosses
   * faster than 100,000; a relative path holds no control character: write-fs.ts checks each).
   */
  paths: string;
  buffers: SharedArrayBuffer[];
  spans: Float64Array;
  claims: SharedArrayBuffer;
}

export type ToWriter =
  | { type: "batch"; batch: WriteBatch }
  | { type: "ahead"; files: AheadFiles }
  | { type: "end" };
export type FromWriter =
  | { type: "ended" }
  | {
      type: "failed";
      message: string;
      code?: string;
      syscall?: string;
      path?: string;
      /** The details of a RegistryError (absent for an error of the system). */
      details?: Record<string, unknown>;
    };

/** What the worker thread is started with: the output folder's realpath and the shared counter. */
export interface WriterData {
  root: string;
  shared: SharedArrayBuffer;
}

/**
 * Writes a batch, making each file's folder the first time this thread meets it (`folders`):
 * one mkdir (and one lstat for an existing folder) per folder, one open, write and close per new
 * file.
 */
export function writeBatch(batch: WriteBatch, folders: OutputFolders): void {
  for (let i = 0; i < batch.targets.length; i++) {
    const target = batch.targets[i] as string;
    folders.make(dirname(target));
    createFile(target, batch.contents[i] as string | Uint8Array | Pieces);
  }
}

/** Claims of a batch of files written ahead (AheadFiles). */
const FREE = 0;
const BY_THREAD = 1;
const BY_MAIN = 2;

/** The absolute path of `path` (checked, relative) below the output folder's realpath `root`. */
export function below(root: string, path: string): string {
  return root.endsWith(sep) ? root + path : `${root}${sep}${path}`;
}

/**
 * The writer thread's part of the files written ahead, below `root`: each batch from the first
 * that it can claim, until the main thread has claimed the next one. A failure stops it (thrown):
 * the main thread writes the batches left.
 */
export function writeAheadBatches(files: AheadFiles, root: string, folders: OutputFolders): void {
  const claims = new Int32Array(files.claims);
  const { buffers, spans } = files;
  const paths = files.paths.split("\n");
  for (let b = 0; b < claims.length; b++) {
    if (Atomics.compareExchange(claims, b, FREE, BY_THREAD) !== FREE) return;
    const end = Math.min(paths.length - 1, (b + 1) * BATCH_FILES);
    const targets: string[] = [];
    const contents: Uint8Array[] = [];
    for (let i = b * BATCH_FILES; i < end; i++) {
      targets.push(below(root, paths[i] as string));
      const buffer = buffers[spans[3 * i] as number] as SharedArrayBuffer;
      contents.push(new Uint8Array(buffer, spans[3 * i + 1], spans[3 * i + 2]));
    }
    writeBatch({ targets, contents }, folders);
  }
}

/**
 * `contents` as the writer thread reads them (AheadFiles): views of shared memory as they are,
 * the others copied into one new shared buffer (copying 100,000 manifests into fresh memory costs
 * more than writing a tenth of them).
 */
function shared(paths: string[], contents: Uint8Array[], claims: SharedArrayBuffer): AheadFiles {
  const buffers: SharedArrayBuffer[] = [];
  const index = new Map<SharedArrayBuffer, number>();
  const spans = new Float64Array(3 * contents.length);
  const copies: number[] = [];
  let copied = 0;
  for (const [i, bytes] of contents.entries()) {
    if (!(bytes.buffer instanceof SharedArrayBuffer)) {
      copies.push(i);
      copied += bytes.byteLength;
      continue;
    }
    let at = index.get(bytes.buffer);
    if (at === undefined) {
      at = buffers.push(bytes.buffer) - 1;
      index.set(bytes.buffer, at);
    }
    spans.set([at, bytes.byteOffset, bytes.byteLength], 3 * i);
  }
  if (copies.length > 0) {
    const copy = new SharedArrayBuffer(copied);
    const view = new Uint8Array(copy);
    const at = buffers.push(copy) - 1;
    let offset = 0;
    for (const i of copies) {
      const bytes = contents[i] as Uint8Array;
      view.set(bytes, offset);
      spans.set([at, offset, bytes.byteLength], 3 * i);
      offset += bytes.byteLength;
    }
  }
  return { paths: `${paths.join("\n")}\n`, buffers, spans, claims };
}

/** The bytes of `pieces` in all. */
function sizeOf(pieces: Pieces): number {
  let size = 0;
  for (const piece of pieces) size += piece.length;
  return size;
}

/** `pieces` joined in a new buffer of their own. */
function joined(pieces: Pieces): Uint8Array {
  const out = new Uint8Array(sizeOf(pieces));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/** An error the thread reported, as the main thread would have thrown it. */
function thrown(message: Extract<FromWriter, { type: "failed" }>): Error {
  const { message: text, code, syscall, path, details } = message;
  if (details !== undefined) return new RegistryError(code as RegistryError["code"], text, { details });
  return Object.assign(new Error(text), {
    ...(code !== undefined ? { code } : {}),
    ...(syscall !== undefined ? { syscall } : {}),
    ...(path !== undefined ? { path } : {}),
  });
}

/** Writes files on the main thread and a worker thread (see the module comment). */
export class FileWriter {
  readonly #root: string;
  readonly #folders: OutputFolders;
  #batch: WriteBatch = { targets: [], contents: [] };
  #batchBytes = 0;
  #files = 0;
  #worker: Worker | undefined;
  #started = false;
  /** [0]: batches the thread has written. */
  #done: Int32Array | undefined;
  #sent = 0;
  #failure: Error | undefined;
  #ended: Promise<void> | undefined;
  /** Files handed over with `ahead`, and the claims of their batches (none: no thread took them). */
  #ahead: { paths: string[]; contents: Uint8Array[]; claims?: Int32Array } | undefined;

  /** `root`: the output folder's realpath; every target is below it. */
  constructor(root: string) {
    this.#root = root;
    this.#folders = new OutputFolders(root);
  }

  /**
   * Hands over files to write before any other (`contents[i]` at `paths[i]`, relative to the
   * output folder and checked by the caller), while the caller does other work: the writer thread
   * starts on them at once, reading the caller's bytes where they are in shared memory (they must
   * not change until `finish`) and a copy of the others, and the main thread writes those it has
   * not reached once it has written everything else (`finish`). Until the thread has taken the
   * last of them, every batch `write` queues is written on the main thread.
   */
  ahead(paths: string[], contents: Uint8Array[]): void {
    // A line break in a path would move every file after it (write-fs.ts refuses control characters).
    if (paths.some((path) => path.includes("\n")))
      throw new RegistryError("INTERNAL_ERROR", "a path to write ahead holds a line break");
    if (this.#files > 0 || this.#ahead !== undefined)
      throw new RegistryError("INTERNAL_ERROR", "files are handed over ahead before any other");
    this.#ahead = { paths, contents };
    this.#files += paths.length;
    if (paths.length < START_AFTER || availableParallelism() < 2) return;
    // Everything that can throw before the thread starts: a failure leaves no thread behind.
    const claims = new SharedArrayBuffer(4 * Math.ceil(paths.length / BATCH_FILES));
    const files = shared(paths, contents, claims);
    this.#started = true;
    this.#start();
    this.#ahead.claims = new Int32Array(claims);
    this.#worker?.postMessage({ type: "ahead", files } satisfies ToWriter);
  }

  /** Whether the thread has batches written ahead still to take (then it is sent no other). */
  #aheadLeft(): boolean {
    const claims = this.#ahead?.claims;
    return claims !== undefined && Atomics.load(claims, claims.length - 1) === FREE;
  }

  /** Writes on the main thread the batches written ahead that no thread has taken, from the last. */
  #takeAhead(): void {
    const ahead = this.#ahead;
    if (ahead === undefined) return;
    const { paths, contents, claims } = ahead;
    for (let b = Math.ceil(paths.length / BATCH_FILES) - 1; b >= 0; b--) {
      if (claims !== undefined && Atomics.compareExchange(claims, b, FREE, BY_MAIN) !== FREE) break;
      const start = b * BATCH_FILES;
      const end = Math.min(paths.length, start + BATCH_FILES);
      const targets = paths.slice(start, end).map((path) => below(this.#root, path));
      writeBatch({ targets, contents: contents.slice(start, end) }, this.#folders);
    }
  }

  /** Queues `bytes` to be written at the absolute path `target` (its folder is created as needed). */
  write(target: string, bytes: string | Uint8Array | Pieces): void {
    this.#batch.targets.push(target);
    this.#batch.contents.push(bytes);
    this.#batchBytes +=
      typeof bytes === "string" || bytes instanceof Uint8Array ? bytes.length : sizeOf(bytes);
    this.#files++;
    if (this.#batch.targets.length >= BATCH_FILES || this.#batchBytes >= BATCH_BYTES) this.#handOver();
  }

  #handOver(): void {
    const batch = this.#batch;
    this.#batch = { targets: [], contents: [] };
    this.#batchBytes = 0;
    if (!this.#started && this.#files >= START_AFTER) {
      this.#started = true;
      if (availableParallelism() > 1) this.#start();
    }
    if (
      this.#worker !== undefined &&
      this.#failure === undefined &&
      !this.#aheadLeft() &&
      this.#queued() < QUEUED_BATCHES
    ) {
      this.#send(batch);
    } else {
      writeBatch(batch, this.#folders);
    }
  }

  #queued(): number {
    return this.#sent - Atomics.load(this.#done as Int32Array, 0);
  }

  #send(batch: WriteBatch): void {
    // The thread gets its own copy of each buffer (pieces joined), moved rather than copied again:
    // a caller's buffer (or a pooled one shared with other buffers) is never detached.
    const contents = batch.contents.map((c) =>
      typeof c === "string" ? c : c instanceof Uint8Array ? new Uint8Array(c) : joined(c),
    );
    const transfer = contents.flatMap((c) => (typeof c === "string" ? [] : [c.buffer as ArrayBuffer]));
    this.#worker?.postMessage(
      { type: "batch", batch: { targets: batch.targets, contents } } satisfies ToWriter,
      transfer,
    );
    this.#sent++;
  }

  #start(): void {
    const shared = new SharedArrayBuffer(4);
    this.#done = new Int32Array(shared);
    const worker = new (workerThreads().Worker)(new URL("./write-worker.ts", import.meta.url), {
      workerData: { root: this.#root, shared } satisfies WriterData,
    });
    this.#worker = worker;
    this.#ended = new Promise<void>((resolve) => {
      worker.on("message", (message: FromWriter) => {
        if (message.type === "failed") this.#failure ??= thrown(message);
        else resolve();
      });
      worker.on("error", (error) => {
        this.#failure ??= error;
        resolve();
      });
      worker.on("exit", () => {
        this.#failure ??= new Error("the writer thread stopped before writing every file");
        resolve();
      });
    });
  }

  /** Writes what is still queued and waits for the thread: every file is on disk when it resolves. */
  async finish(): Promise<void> {
    if (this.#batch.targets.length > 0) {
      const batch = this.#batch;
      this.#batch = { targets: [], contents: [] };
      this.#batchBytes = 0;
      writeBatch(batch, this.#folders);
    }
    this.#takeAhead();
    if (this.#worker !== undefined) {
      this.#worker.postMessage({ type: "end" } satisfies ToWriter);
      await this.#ended;
      await this.close();
    }
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Stops the thread (after `finish`, or when the build failed and what it still holds does not matter). */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker === undefined) return;
    worker.removeAllListeners("exit");
    await worker.terminate();
  }
}
