/**
 * `buildRegistry`: the generator's I/O around the pure core. Validate the registry (refusing to
 * publish one with errors), date its versions from git in one pass, build the model, render it,
 * write it incrementally, then hand the model to the site builder when one is given.
 */
import { copyFileSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import type { Finding } from "../core/findings.types.ts";
import { type LoadedRegistry, loadRegistry } from "../core/registry/load-registry.ts";
import { fsSource } from "../core/registry/registry-fs.ts";
import type { RegistrySource } from "../core/registry/source.types.ts";
import { buildModel } from "./model.ts";
import type { ApiModel } from "./model.types.ts";
import { readGitDates } from "./published-git.ts";
import { renderApi } from "./render.ts";
import { generationTime } from "./time.ts";
import { type WriteReport, writeTree } from "./write-fs.ts";

/**
 * The site build's hook: called once, after the API is written, with the model it was written
 * from. site/ provides it (`buildSite`); the CLI passes it in, so the generator never imports the
 * site and builds without one.
 */
export type SiteBuilder = (args: {
  model: ApiModel;
  outDir: string;
  base: string;
  force?: boolean;
}) => Promise<unknown>;

export interface BuildOptions {
  /** The registry folder (config.json, plugins/). */
  registryDir: string;
  /** Where the API, feeds (and the site) go. */
  outDir: string;
  /** Environment for `SOURCE_DATE_EPOCH` (default: none, i.e. git or the clock). */
  env?: Readonly<Record<string, string | undefined>>;
  now?: () => Date;
  /** Validation and loading; core's `loadRegistry` on every core by default. */
  load?: (source: RegistrySource) => Promise<LoadedRegistry>;
  /** How the registry is named in findings (default: registryDir). */
  displayRoot?: string;
  site?: SiteBuilder;
  /** Compare every output with the file on disk instead of trusting the previous build's state. */
  full?: boolean;
  /** The site's base path ("/" by default). */
  base?: string;
}

export interface BuildResult {
  /** Every finding of validation; the build wrote nothing when one of them is an error. */
  findings: Finding[];
  published: boolean;
  model?: ApiModel;
  report?: WriteReport;
  /** True when the site builder found nothing to do (it answered `{ skipped: true }`). */
  siteSkipped?: boolean;
  /** Milliseconds per phase, for the CLI's summary and the benchmark. */
  timings: { load: number; model: number; write: number; site: number };
}

/** Builds the static API of the registry at `registryDir` into `outDir` (see the module comment). */
export async function buildRegistry(options: BuildOptions): Promise<BuildResult> {
  const timings = { load: 0, model: 0, write: 0, site: 0 };
  let t = performance.now();
  const source = fsSource(options.registryDir, options.displayRoot ?? options.registryDir);
  const [loaded, git] = await Promise.all([
    options.load ? options.load(source) : loadRegistry(source, { workers: availableParallelism() }),
    readGitDates(options.registryDir),
  ]);
  timings.load = performance.now() - t;
  const failed = loaded.findings.some((f) => f.severity === "error");
  if (failed || !loaded.snapshot) return { findings: loaded.findings, published: false, timings };

  t = performance.now();
  const generatedAt = generationTime(options.env ?? {}, git?.newest, options.now);
  const model = buildModel(loaded.snapshot, { publishedAt: git?.published ?? new Map(), generatedAt });
  timings.model = performance.now() - t;

  t = performance.now();
  // Copies are read synchronously: a thread-pool round trip per manifest costs more than the read.
  const registryRoot = path.resolve(options.registryDir);
  const readCopy = async (file: string): Promise<Uint8Array | undefined> => {
    const full = path.resolve(registryRoot, file);
    if (!full.startsWith(registryRoot + path.sep)) return undefined;
    try {
      return readFileSync(full);
    } catch {
      return undefined;
    }
  };
  const copyFile = (source: string, target: string): boolean => {
    const full = path.resolve(registryRoot, source);
    if (!full.startsWith(registryRoot + path.sep)) return false;
    copyFileSync(full, target);
    return true;
  };
  const report = await writeTree(options.outDir, renderApi(model, readCopy), {
    ignoreState: options.full === true,
    copyFile,
  });
  timings.write = performance.now() - t;

  let siteSkipped: boolean | undefined;
  if (options.site) {
    t = performance.now();
    const built = await options.site({
      model,
      outDir: path.resolve(options.outDir),
      base: options.base ?? "/",
      force: options.full === true,
    });
    siteSkipped = (built as { skipped?: unknown } | undefined)?.skipped === true;
    timings.site = performance.now() - t;
  }
  return {
    findings: loaded.findings,
    published: true,
    model,
    report,
    timings,
    ...(siteSkipped === undefined ? {} : { siteSkipped }),
  };
}
