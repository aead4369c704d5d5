/**
 * `npm run bench:author-schema`: the worst manifests for configuration schemas that the bounds
 * allow, each validated whole (a schema never seen before: parse, static bounds, compile, run),
 * against the floor of the same manifest with a plain schema, in the same run. Target: every
 * manifest under 100 ms, whatever its schema (SECURITY.md, resource exhaustion). Also measures
 * what compiled schemas cost in memory and that the bounded cache gives it back.
 */
import { readFileSync } from "node:fs";
import { cachedSchemaCount, compileAuthorSchema, MAX_CACHED_SCHEMAS } from "../core/schema/author-schema.ts";
import { validateManifest } from "../core/validate/validate-manifest.ts";
import { adversarialConfigurations, withConfiguration } from "./author-schema-cases.ts";

const base = JSON.parse(
  readFileSync(new URL("../test/fixtures/manifests/valid-standalone/manifest.json", import.meta.url), "utf8"),
) as Record<string, unknown>;

let salt = 0;
/** Milliseconds to validate the manifest, median of `runs`, each with a schema never compiled. */
function time(configuration: Record<string, unknown>, runs = 5): { ms: number; codes: string } {
  const samples: number[] = [];
  let codes = "";
  for (let i = 0; i < runs; i++) {
    // A distinct schema text each run, so no run finds it compiled in the cache.
    const schema = String(configuration.schema ?? "{}").replace(/^\{/, `{"$comment":"${salt++}",`);
    const bytes = new TextEncoder().encode(
      JSON.stringify(withConfiguration(base, { ...configuration, schema })),
    );
    const start = performance.now();
    const { findings } = validateManifest(bytes, "manifest.json");
    samples.push(performance.now() - start);
    codes = [...new Set(findings.map((f) => f.code))].join(",") || "valid";
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)] as number, codes };
}

// Warm up the compilers (ajv, RE2) once, as a long-running gate or build would be.
time({ schema: '{"type":"object","properties":{"a":{"type":"string","pattern":"^a+$"}}}' }, 3);
const floor = time({
  schema: '{"type":"object","properties":{"region":{"type":"string"}}}',
  default_config: '{"region":"x"}',
});
console.log(`floor (plain schema): ${floor.ms.toFixed(2)} ms`);
let worst = 0;
for (const [name, configuration] of Object.entries(adversarialConfigurations())) {
  const { ms, codes } = time(configuration);
  worst = Math.max(worst, ms);
  console.log(
    `${name.padEnd(40)} ${ms.toFixed(2).padStart(8)} ms  (${(ms / floor.ms).toFixed(1)}× floor)  ${codes}`,
  );
}
console.log(`worst: ${worst.toFixed(1)} ms (target < 100 ms)`);

// Memory: what a compiled schema costs, and that the bounded cache gives it back. Fill the cache
// with large distinct schemas, then compile four times as many: the heap must not grow with them.
const gc = (globalThis as { gc?: () => void }).gc;
if (gc) {
  const big = JSON.parse(adversarialConfigurations()["widest allowed object"]?.schema as string) as object;
  const compileMany = (n: number, tag: string) => {
    for (let i = 0; i < n; i++) compileAuthorSchema(JSON.stringify({ ...big, $comment: `${tag}${i}` }));
  };
  gc();
  const empty = process.memoryUsage().heapUsed;
  compileMany(MAX_CACHED_SCHEMAS, "a");
  gc();
  const full = process.memoryUsage().heapUsed;
  compileMany(MAX_CACHED_SCHEMAS * 4, "b");
  gc();
  const after = process.memoryUsage().heapUsed;
  const mib = (n: number) => (n / 1048576).toFixed(1);
  console.log(
    `memory: ${MAX_CACHED_SCHEMAS} large compiled schemas take ${mib(full - empty)} MiB (${((full - empty) / MAX_CACHED_SCHEMAS / 1024).toFixed(0)} KiB each); after ${MAX_CACHED_SCHEMAS * 4} more the cache holds ${cachedSchemaCount()} and the heap is ${mib(after - empty)} MiB over the empty cache`,
  );
} else console.log("memory: run with node --expose-gc to measure");
if (worst >= 100) process.exitCode = 1;
