/**
 * The reader thread of a load with remembered verdicts (see reader-thread.ts): walks plugins/ in
 * listing order, reads and hashes each plugin's manifests and sends them back a window of plugins
 * at a time, in one transferred buffer per window (no copy between threads), never more than the
 * budget's bytes ahead of what the main thread took. It judges nothing: the main thread's layout
 * walk decides which files count.
 */
import { hash } from "node:crypto";
import { parentPort, workerData } from "node:worker_threads";
import { BUNDLE_SUFFIX, isPluginName, MANIFEST_SUFFIX, PLUGINS_DIR, versionsDir } from "./layout.ts";
import type { FromReader, ToReader } from "./reader-thread.ts";
import type { SourceLocation } from "./source.types.ts";
import { sourceAt } from "./source-at.ts";

const source = sourceAt((workerData as { location: SourceLocation }).location);

let ahead = 0;
let resume: (() => void) | undefined;

parentPort?.on("message", (message: ToReader) => {
  if (message.type === "consumed") {
    ahead -= message.bytes;
    resume?.();
  } else void walk(message.window, message.budget);
});

async function walk(size: number, budget: number): Promise<void> {
  const plugins = ((await source.entries(PLUGINS_DIR)) ?? []).filter(
    (e) => e.kind === "tree" && isPluginName(e.name),
  );
  for (let at = 0; at < plugins.length; at += size) {
    while (ahead > budget) {
      await new Promise<void>((r) => {
        resume = r;
      });
      resume = undefined;
    }
    const names: string[] = [];
    const counts: number[] = [];
    const versions: string[] = [];
    const contents: Uint8Array[] = [];
    for (const { name } of plugins.slice(at, at + size)) {
      names.push(name);
      let count = 0;
      const dir = versionsDir(name);
      for (const e of (await source.entries(dir)) ?? []) {
        if (e.kind !== "file" || !e.name.endsWith(MANIFEST_SUFFIX) || e.name.endsWith(BUNDLE_SUFFIX))
          continue;
        const bytes = await source.readFile(`${dir}/${e.name}`);
        if (bytes === undefined) continue;
        versions.push(e.name.slice(0, -MANIFEST_SUFFIX.length));
        contents.push(bytes);
        count++;
      }
      counts.push(count);
    }
    const total = contents.reduce((n, bytes) => n + bytes.byteLength, 0);
    const buffer = new ArrayBuffer(total);
    const view = new Uint8Array(buffer);
    const ends = new Int32Array(contents.length);
    const sha256: string[] = [];
    let offset = 0;
    for (const [i, bytes] of contents.entries()) {
      view.set(bytes, offset);
      offset += bytes.byteLength;
      ends[i] = offset;
      sha256.push(hash("sha256", bytes));
    }
    ahead += total;
    parentPort?.postMessage(
      {
        type: "window",
        window: { plugins: names, counts, versions, buffer, ends, sha256 },
      } satisfies FromReader,
      [buffer],
    );
  }
  parentPort?.postMessage({ type: "done" } satisfies FromReader);
}
