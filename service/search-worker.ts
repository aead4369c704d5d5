/**
 * The daemon's search thread (search-thread.ts): holds the indexes it was sent and answers each
 * search with the positions core's `searchIndexes` finds, in the order the searches came.
 */
import { parentPort } from "node:worker_threads";
import { type Searchable, searchIndexes } from "../core/text/search-filter.ts";
import type { FromSearch, ToSearch } from "./search-thread.ts";

const indexes = new Map<number, readonly Searchable[]>();

parentPort?.on("message", (message: ToSearch) => {
  if (message.type === "index") indexes.set(message.id, message.plugins);
  else if (message.type === "drop") indexes.delete(message.id);
  else {
    const plugins = indexes.get(message.id);
    // The main thread sends an index before any search of it and drops it only after. Were one
    // missing, the thread fails, and the main thread makes the searches it had not answered itself.
    if (!plugins) throw new Error(`search thread: index ${message.id} was not sent`);
    const found = Uint32Array.from(searchIndexes(plugins, message.filter));
    parentPort?.postMessage({ ask: message.ask, found } satisfies FromSearch, [found.buffer]);
  }
});
