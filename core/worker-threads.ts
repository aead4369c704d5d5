import { createRequire } from "node:module";
import type * as WorkerThreads from "node:worker_threads";

let loaded: typeof WorkerThreads | undefined;

/**
 * node:worker_threads, loaded on first use: most runs start no thread (a one-file validation, an
 * editor's check), and loading the module costs milliseconds at every start of the bundled CLI.
 */
export function workerThreads(): typeof WorkerThreads {
  loaded ??= createRequire(import.meta.url)("node:worker_threads") as typeof WorkerThreads;
  return loaded;
}
