/**
 * The writer thread of a large write (see write-thread.ts): writes each batch it is sent, in order,
 * and counts it in shared memory; of the files written ahead, the batches it claims first. After a failure it reports the error once and writes nothing
 * more (still counting batches, so the main thread never waits for it); `end` is answered once
 * every batch before it is done.
 */
import { parentPort, workerData } from "node:worker_threads";
import { RegistryError } from "../core/errors.ts";
import { OutputFolders } from "./write-guard.ts";
import {
  type FromWriter,
  type ToWriter,
  type WriterData,
  writeAheadBatches,
  writeBatch,
} from "./write-thread.ts";

const { root, shared } = workerData as WriterData;
const done = new Int32Array(shared);
const folders = new OutputFolders(root);
let failed = false;

parentPort?.on("message", (message: ToWriter) => {
  if (message.type === "end") {
    parentPort?.postMessage({ type: "ended" } satisfies FromWriter);
    return;
  }
  try {
    if (failed) {
      // Nothing more is written: the main thread writes the batches written ahead left unclaimed.
    } else if (message.type === "ahead") writeAheadBatches(message.files, root, folders);
    else writeBatch(message.batch, folders);
  } catch (error) {
    failed = true;
    const { message: text, code, syscall, path } = error as NodeJS.ErrnoException;
    parentPort?.postMessage({
      type: "failed",
      message: String(text),
      ...(code !== undefined ? { code } : {}),
      ...(syscall !== undefined ? { syscall } : {}),
      ...(path !== undefined ? { path } : {}),
      ...(error instanceof RegistryError ? { details: error.details } : {}),
    } satisfies FromWriter);
  }
  // Only the batches sent one by one are counted (the main thread's measure of the queue).
  if (message.type === "batch") Atomics.add(done, 0, 1);
});
