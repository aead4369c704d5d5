import { Worker } from "node:worker_threads";
import type { SourceLocation } from "./source.types.ts";

/** A request to the reader thread (read-worker.ts): registry paths to read. */
export interface ReadRequest {
  id: number;
  files: string[];
}

/** Its reply: the files' bytes end to end, where each ends (-1: missing), their sha256. */
export interface ReadReply {
  id: number;
  buffer: ArrayBuffer;
  ends: Int32Array;
  sha256: string[];
}

/** Files as read by the reader thread, in the order asked. */
export interface ReadFiles {
  bytes: (Uint8Array | undefined)[];
  sha256: string[];
}

/**
 * A thread that reads and hashes files (system calls and sha256) while the main thread does the
 * rest of the work on files it already has: the bytes come back without a copy.
 */
export class ReaderThread {
  readonly #worker: Worker;
  readonly #waiting = new Map<
    number,
    { resolve: (files: ReadFiles) => void; reject: (e: unknown) => void }
  >();
  #next = 0;

  constructor(location: SourceLocation) {
    this.#worker = new Worker(new URL("./read-worker.ts", import.meta.url), { workerData: { location } });
    this.#worker.on("message", ({ id, buffer, ends, sha256 }: ReadReply) => {
      const bytes: (Uint8Array | undefined)[] = [];
      let start = 0;
      for (const end of ends) {
        if (end < 0) bytes.push(undefined);
        else {
          bytes.push(new Uint8Array(buffer, start, end - start));
          start = end;
        }
      }
      this.#waiting.get(id)?.resolve({ bytes, sha256 });
      this.#waiting.delete(id);
    });
    const fail = (error: unknown): void => {
      for (const w of this.#waiting.values()) w.reject(error);
      this.#waiting.clear();
    };
    this.#worker.on("error", fail);
    this.#worker.on("exit", () => fail(new Error("the reader thread stopped")));
  }

  /** Reads `files` (registry paths) on the thread. */
  read(files: string[]): Promise<ReadFiles> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#worker.postMessage({ id, files } satisfies ReadRequest);
    });
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}
