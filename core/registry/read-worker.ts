/**
 * The reader thread of a load with remembered verdicts (see reader-thread.ts): walks plugins/ in
 * listing order, reads and hashes each plugin's manifests (or, with stamps, takes the sha256 of a
 * file whose stamp did not change without reading it: file-stamps.ts) and sends them back a window of plugins
 * at a time, in one shared buffer per window (no copy between threads), never more than the
 * budget's bytes ahead of what the main thread took. It judges nothing: the main thread's layout
 * walk decides which files count.
 */
import { parentPort, workerData } from "node:worker_threads";
import { readStamped, readStamps, stampedListings } from "./file-stamps.ts";
import { BUNDLE_SUFFIX, isPluginName, MANIFEST_SUFFIX, PLUGINS_DIR, versionsDir } from "./layout.ts";
import type { FromReader, ReaderData, ToReader } from "./reader-thread.ts";
import { sourceAt } from "./source-at.ts";

const data = workerData as ReaderData;
const source = sourceAt(data.location);
// The stamps remembered by the last load, when this one remembers stamps (file-stamps.ts).
const stamps = data.stamps && { index: readStamps(data.stamps.previous), startedNs: data.stamps.startedNs };
// Folders whose stamp did not change are not listed again (their lines are the main thread's to
// take), and below a commit's unchanged folder nothing is asked of git (file-stamps.ts).
const walkSource = stamps ? stampedListings(source, stamps.index, stamps.startedNs).source : source;
/** A file whose sha256 its unchanged stamp gave: not read. */
const NOT_READ = new Uint8Array(0);

let ahead = 0;
let resume: (() => void) | undefined;

parentPort?.on("message", (message: ToReader) => {
  if (message.type === "consumed") {
    ahead -= message.bytes;
    resume?.();
  } else void walk(message.window, message.budget);
});

async function walk(size: number, budget: number): Promise<void> {
  const plugins = ((await walkSource.entries(PLUGINS_DIR)) ?? []).filter(
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
    const sha256: string[] = [];
    const lines: string[] = [];
    for (const { name } of plugins.slice(at, at + size)) {
      names.push(name);
      let count = 0;
      const dir = versionsDir(name);
      for (const e of (await walkSource.entries(dir)) ?? []) {
        if (e.kind !== "file" || !e.name.endsWith(MANIFEST_SUFFIX) || e.name.endsWith(BUNDLE_SUFFIX))
          continue;
        const rel = `${dir}/${e.name}`;
        const file = await readStamped(walkSource, stamps, rel, (p, stamped) => source.readFile(p, stamped));
        if (file === undefined) continue;
        versions.push(e.name.slice(0, -MANIFEST_SUFFIX.length));
        contents.push(file.bytes ?? NOT_READ);
        sha256.push(file.sha256);
        lines.push(file.line);
        count++;
      }
      counts.push(count);
    }
    const total = contents.reduce((n, bytes) => n + bytes.byteLength, 0);
    // Shared memory: the generator hands these bytes to its writer thread without copying them
    // (generator/write-thread.ts), as this thread hands them here.
    const buffer = new SharedArrayBuffer(total);
    const view = new Uint8Array(buffer);
    const ends = new Int32Array(contents.length);
    const unread = new Uint8Array(contents.length);
    let offset = 0;
    for (const [i, bytes] of contents.entries()) {
      view.set(bytes, offset);
      offset += bytes.byteLength;
      ends[i] = offset;
      if (bytes === NOT_READ) unread[i] = 1;
    }
    ahead += total;
    parentPort?.postMessage({
      type: "window",
      window: { plugins: names, counts, versions, buffer, ends, sha256, unread, lines },
    } satisfies FromReader);
  }
  parentPort?.postMessage({ type: "done" } satisfies FromReader);
}
