/**
 * A worker thread of loadRegistry: validates its share of the plugins of an on-disk registry and
 * posts the results back. Only the main thread reads config.json and entries.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { RegistryConfig } from "../registry.types.ts";
import type { KnownVersion } from "../rules/rule.types.ts";
import { fsSource } from "./registry-fs.ts";
import { type PluginWork, validatePlugin } from "./validate-plugin.ts";

interface WorkerInput {
  dir: string;
  config?: RegistryConfig;
  known: [string, KnownVersion[]][];
  jobs: PluginWork[];
}

const input = workerData as WorkerInput;
const source = fsSource(input.dir);
const known = new Map(input.known);
const lookup = (name: string): readonly KnownVersion[] | undefined => known.get(name);
const results = [];
for (const job of input.jobs) {
  results.push(await validatePlugin(job, input.config, lookup, (rel) => source.readFile(rel)));
}
parentPort?.postMessage(results);
