/**
 * `npm run bench:validate`: validation speed on a synthetic registry of 10,000 plugins × 10
 * versions, against the floor of reading the same files without parsing, in the same run.
 * Targets: full validation ≤ 2× the floor; a re-validation with nothing changed (remembered
 * verdicts and file stamps, reading and writing their files included: the second run after the
 * full one, as `validate` runs again and again) ≤ 1.2× the floor; one file in registry context
 * under 100 ms.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { parseConstraint } from "../core/constraints.ts";
import { readStamps } from "../core/registry/file-stamps.ts";
import { loadRegistry } from "../core/registry/load-registry.ts";
import { fsSource } from "../core/registry/registry-fs.ts";
import { validateRegistryFiles } from "../core/validate/validate-files.ts";
import { validateManifest } from "../core/validate/validate-manifest.ts";
import { cacheBeside, cacheOptions, saveCache, validationCode } from "../generator/verdict-store-fs.ts";
import { pluginName, writeSyntheticRegistry } from "./synthetic-registry.ts";

const plugins = Number(process.env.BENCH_PLUGINS ?? 10_000);
const versions = Number(process.env.BENCH_VERSIONS ?? 10);
const dir = mkdtempSync(path.join(tmpdir(), "ffr-bench-validate-"));
const ms = (start: number): number => performance.now() - start;

try {
  let t = performance.now();
  const manifests = writeSyntheticRegistry(dir, { plugins, versions });
  console.log(
    `synthetic registry: ${plugins} plugins × ${versions} versions = ${manifests} manifests (${ms(t).toFixed(0)} ms to write)`,
  );

  // (b) the floor: list and read every file the validator reads, without parsing.
  const floor = (): number => {
    const start = performance.now();
    readFileSync(path.join(dir, "config.json"));
    for (const name of readdirSync(path.join(dir, "plugins"))) {
      readFileSync(path.join(dir, "plugins", name, "entry.json"));
      const vdir = path.join(dir, "plugins", name, "versions");
      for (const file of readdirSync(vdir)) readFileSync(path.join(vdir, file));
    }
    return ms(start);
  };
  floor(); // warm the page cache, as the validation run below will find it
  const floorMs = floor();

  // (a) full validation, on one thread and on every core.
  t = performance.now();
  const single = await loadRegistry(fsSource(dir), { workers: 1, keepManifests: false });
  const singleMs = ms(t);
  t = performance.now();
  const result = await loadRegistry(fsSource(dir), { workers: availableParallelism(), keepManifests: false });
  const fullMs = ms(t);
  if (single.stats.manifests !== result.stats.manifests) throw new Error("threads changed the result");
  if (result.stats.errors > 0) {
    console.error(result.findings.slice(0, 5));
    throw new Error("the synthetic registry should be valid");
  }

  // (d) re-validation with nothing changed: a first run judges every manifest and remembers
  // every verdict, their summaries and the files' stamps in files (as `validate` does in its
  // cache folder); the second reads them, stats every manifest and judges none; (e) runs again,
  // as `validate` run again and again does. Timed: reading the cache, validating, writing back
  // what changed (as `validate` and `build` do).
  const cache = cacheBeside(path.join(`${dir}-cache`, "registry.verdicts"));
  const code = validationCode();
  const load = () =>
    loadRegistry(fsSource(dir), {
      workers: availableParallelism(),
      keepManifests: false,
      ...cacheOptions(cache, code),
    });
  saveCache(cache, await load(), true);
  t = performance.now();
  const again = await load();
  saveCache(cache, again, true);
  const againMs = ms(t);
  // (e) in BENCH_ROUNDS rounds (default 3), each beside a floor of its own: the median ratio
  // (one round on a shared machine moves by tens of percent).
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
  const eRatios: number[] = [];
  const eTimes: number[] = [];
  let stamped = again;
  for (let round = 0; round < rounds; round++) {
    const roundFloor = floor();
    t = performance.now();
    stamped = await load();
    saveCache(cache, stamped, true);
    eTimes.push(ms(t));
    eRatios.push((eTimes.at(-1) as number) / roundFloor);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const stampedMs = median(eTimes);
  // Stamps are taken by the reader thread, which a small registry does not start.
  const stampText = stamped.stamps?.text();
  const stampedFiles = [
    ...readStamps(stampText === undefined ? undefined : new TextEncoder().encode(stampText)),
  ].filter(([p]) => !p.endsWith("/")).length;
  if (stamped.stats.judged !== 0) throw new Error(`the stamped re-validation judged ${stamped.stats.judged}`);
  if (stamped.stamps?.changed) throw new Error("nothing changed, yet the stamps to store did");
  if (JSON.stringify(stamped.findings) !== JSON.stringify(result.findings))
    throw new Error("stamps changed the findings");
  if (again.stats.judged !== 0) throw new Error(`the re-validation judged ${again.stats.judged} manifests`);
  if (again.verdictsChanged !== false) throw new Error("nothing changed, yet the verdicts to store did");
  if (JSON.stringify(again.findings) !== JSON.stringify(result.findings))
    throw new Error("remembered verdicts changed the findings");

  // (c) one new file, in registry context.
  t = performance.now();
  const one = await validateRegistryFiles(fsSource(dir), [`plugins/${pluginName(4242)}/versions/1.3.0.json`]);
  const oneMs = ms(t);

  // J6: adversarial strings.
  const adversarial = new TextEncoder().encode(
    JSON.stringify({
      metadata: { name: "a", version: `1.1.${"1".repeat(50_000)}-`, description: "x", author: "y" },
    }),
  );
  t = performance.now();
  validateManifest(adversarial, "adversarial.json");
  parseConstraint(`>=1.0.0${" ".repeat(50_000)}<`);
  const adversarialMs = ms(t);

  const ratio = fullMs / floorMs;
  const rss = process.resourceUsage().maxRSS / 1024;
  const rate = (n: number, t: number): string => ((n / t) * 1000).toFixed(0);
  const threads = availableParallelism();
  console.log(
    `(a) full validation:     ${fullMs.toFixed(0)} ms, ${rate(manifests, fullMs)} manifests/s on ${threads} threads`,
  );
  console.log(`    on one thread:       ${singleMs.toFixed(0)} ms, ${rate(manifests, singleMs)} manifests/s`);
  console.log(
    `(b) floor (read only):   ${floorMs.toFixed(0)} ms, ${((manifests / floorMs) * 1000).toFixed(0)} files/s`,
  );
  console.log(`    ratio (a)/(b):       ${ratio.toFixed(2)} (target ≤ 2)`);
  console.log(
    `(d) nothing changed:     ${againMs.toFixed(0)} ms (the first after the full run: its verdicts, summaries and stamps); ratio (d)/(b): ${(againMs / floorMs).toFixed(2)}`,
  );
  console.log(
    `(e) and again:           ${stampedMs.toFixed(0)} ms, median of ${rounds} (remembered verdicts, their summaries and ${stampedFiles} files' stamps); ratio (e)/(b): ${median(eRatios).toFixed(2)} (target ≤ 1.2), median of ${rounds} rounds each beside its floor (${eRatios.map((r) => r.toFixed(2)).join(", ")})`,
  );
  console.log(
    `(c) one file in context: ${oneMs.toFixed(1)} ms, ${one.filesRead} files read (target < 100 ms)`,
  );
  console.log(`J6 50 KB adversarial:    ${adversarialMs.toFixed(1)} ms (target < 50 ms)`);
  console.log(`peak memory (max RSS):   ${rss.toFixed(0)} MiB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  rmSync(`${dir}-cache`, { recursive: true, force: true });
}
