import { AsyncLocalStorage } from "node:async_hooks";
import { RunnerError } from "../errors.ts";

/**
 * What one operation (a resolution: install, update, info) may read from registries in all: each
 * document is capped on its own (core's API_MAX_BYTES), but a registry can chain plugins without
 * end, each under its cap, and fill memory and the cache folder. Real closures are a few plugins
 * and a few megabytes; these are far above them.
 */
export const MAX_OPERATION_BYTES = 256 * 1024 * 1024;
export const MAX_OPERATION_DOCUMENTS = 2000;

/** The bytes and documents one operation has read so far; over either limit, RESOLUTION_TOO_LARGE. */
export class ReadBudget {
  #bytes = 0;
  #documents = 0;
  readonly maxBytes: number;
  readonly maxDocuments: number;
  constructor(maxBytes = MAX_OPERATION_BYTES, maxDocuments = MAX_OPERATION_DOCUMENTS) {
    this.maxBytes = maxBytes;
    this.maxDocuments = maxDocuments;
  }

  spend(bytes: number, url: string): void {
    this.#bytes += bytes;
    this.#documents++;
    if (this.#bytes <= this.maxBytes && this.#documents <= this.maxDocuments) return;
    throw new RunnerError(
      "RESOLUTION_TOO_LARGE",
      `reading ${url} took this operation past ${this.#documents > this.maxDocuments ? `${this.maxDocuments} registry documents` : `${this.maxBytes / (1024 * 1024)} MiB of registry documents`}, far more than any real dependency closure needs: the registry may be feeding an endless chain of plugins; nothing was installed`,
      { url, bytes: this.#bytes, documents: this.#documents },
    );
  }
}

const current = new AsyncLocalStorage<ReadBudget>();

/** Runs `operation` with its own budget: every registry document read inside it spends from it. */
export function withReadBudget<T>(operation: () => Promise<T>, budget = new ReadBudget()): Promise<T> {
  return current.run(budget, operation);
}

/** Spends `bytes` of the running operation's budget, if it has one (see ReadBudget). */
export function spendReadBudget(bytes: number, url: string): void {
  current.getStore()?.spend(bytes, url);
}
