/**
 * The reader thread of validateRecalled (see reader-thread.ts): reads and hashes the files the main
 * thread names and sends them back in one transferred buffer per request (no copy between threads).
 */
import { hash } from "node:crypto";
import { parentPort, workerData } from "node:worker_threads";
import type { ReadReply, ReadRequest } from "./reader-thread.ts";
import type { SourceLocation } from "./source.types.ts";
import { sourceAt } from "./source-at.ts";

const source = sourceAt((workerData as { location: SourceLocation }).location);

parentPort?.on("message", async ({ id, files }: ReadRequest) => {
  const contents = await Promise.all(files.map((file) => source.readFile(file)));
  const total = contents.reduce((n, bytes) => n + (bytes?.byteLength ?? 0), 0);
  const buffer = new ArrayBuffer(total);
  const view = new Uint8Array(buffer);
  const ends = new Int32Array(files.length);
  const sha256: string[] = [];
  let offset = 0;
  for (const [i, bytes] of contents.entries()) {
    if (bytes === undefined) {
      ends[i] = -1;
      sha256.push("");
      continue;
    }
    view.set(bytes, offset);
    offset += bytes.byteLength;
    ends[i] = offset;
    sha256.push(hash("sha256", bytes));
  }
  parentPort?.postMessage({ id, buffer, ends, sha256 } satisfies ReadReply, [buffer]);
});
