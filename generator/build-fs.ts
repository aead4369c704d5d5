/**
 * `buildRegistry`: the generator's I/O around the pure core. Open the registry (the git objects
 * of one commit when it lives in a git work tree: what is published is what was committed and
 * reviewed), validate it (refusing to publish one with errors), date its versions from that
 * commit's history in one pass, build the model, render it, write it incrementally, then hand the
 * model to the site builder when one is given.
 */
import { availableParallelism } from "node:os";
import path from "node:path";
import { manifestPath } from "../core/api/paths.ts";
import { RegistryError } from "../core/errors.ts";
import { passes } from "../core/findings.ts";
import type { Finding } from "../core/findings.types.ts";
import { type LoadedRegistry, loadRegistry } from "../core/registry/load-registry.ts";
import { type OpenedRegistry, openRegistry } from "../core/registry/open-registry.ts";
import type { RegistrySource } from "../core/registry/source.types.ts";
import { TUF_METADATA_PATH } from "../core/tuf/tuf-layout.ts";
import { type CommitRebuild, rebuildFromCommit, recordCode } from "./build-commit.ts";
import { completeModel, modelForBuild } from "./build-model.ts";
import {
  type CommitRecord,
  dropCommitRecord,
  readCommitRecord,
  writeCommitRecord,
} from "./commit-record-fs.ts";
import { renderingCode, siteFingerprint } from "./fingerprint.ts";
import type { ApiModel, BuildModel } from "./model.types.ts";
import { outInsideRegistry } from "./out-folder-fs.ts";
import { PARTS_FILE, PartsIndex, readPartsFile, type StoredParts, writeParts } from "./parts-cache-fs.ts";
import { readGitDates } from "./published-git.ts";
import { renderApi, type ValidatedBytes, validatedBytes } from "./render.ts";
import { generationTime } from "./time.ts";
import { type TufWriteReport, targetEntries, writeTufMetadata } from "./tuf-fs.ts";
import { checkOnlineKeys, type TufKeys } from "./tuf-keys-fs.ts";
import { buildCache, cacheOptions, saveCache, validationCode } from "./verdict-store-fs.ts";
import { type AheadFile, type WriteReport, type WrittenAhead, writeAhead, writeTree } from "./write-fs.ts";

/**
 * The site build's hook: called once, after the API is written, with the model it was written
 * from. site/ provides it (`buildSite`); the CLI passes it in, so the generator never imports the
 * site and builds without one.
 */
export type SiteBuilder = (args: {
  /** The model, when it is in memory whole. */
  model?: ApiModel;
  /**
   * Instead of `model`: a key of everything the site model holds (`siteFingerprint`), the base
   * URL, and how to get the model, loaded only when the pages must be built again.
   */
  pending?: { fingerprint: string; baseUrl: string; load: () => Promise<ApiModel> };
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
  /** Told when each stage starts (validation, writing the API, the site), for progress lines. */
  onStage?: (stage: "validate" | "write" | "site", detail: string) => void;
  /** The site's base path ("/" by default). */
  base?: string;
  /** The commit to publish when the registry is inside a git work tree (default HEAD). */
  rev?: string;
  /** Publish the files on disk instead of a commit (local previews of uncommitted edits). */
  worktree?: boolean;
  /**
   * Sign the API with TUF (read with `readTufKeys` first, so bad keys fail before anything is
   * written): the discovery document names the metadata and `<out>/tuf/` holds it.
   */
  tuf?: TufKeys;
}

export interface BuildResult {
  /** Every finding of validation; the build wrote nothing when one of them is an error. */
  findings: Finding[];
  published: boolean;
  model?: BuildModel;
  report?: WriteReport;
  tuf?: TufWriteReport;
  /** True when the site builder found nothing to do (it answered `{ skipped: true }`). */
  siteSkipped?: boolean;
  /** Milliseconds per phase, for the CLI's summary and the benchmark. */
  timings: { load: number; model: number; write: number; site: number; tuf: number };
  /** The commit published; absent when the files on disk were. */
  commit?: string;
  /** Manifests validated and, of them, judged (the others reused a remembered verdict). */
  manifests?: { total: number; judged: number };
  /** Plugins published and, of them, taken from remembered parts (their manifests not parsed). */
  plugins?: { total: number; reused: number };
  /**
   * Present when the build judged only what changed since the commit an earlier build published
   * (build-commit.ts): that commit, and the plugins judged.
   */
  incremental?: { since: string; plugins: number };
}

/**
 * Builds the static API of the registry at `registryDir` into `outDir` (see the module comment).
 * Throws OpenRegistryError when the registry cannot be read as asked (see openRegistry).
 */
export async function buildRegistry(options: BuildOptions): Promise<BuildResult> {
  if (options.tuf) checkOnlineKeys(options.tuf);
  // Output inside the registry would become part of it: every later build refuses the stray files.
  if (outInsideRegistry(options.outDir, options.registryDir))
    throw new RegistryError(
      "USAGE",
      `--out ${options.outDir} is inside the registry folder ${options.registryDir}: write the site elsewhere (e.g. _site beside it)`,
      { details: { out: options.outDir, registry: options.registryDir } },
    );
  const opened = await openRegistry(options.registryDir, {
    ...(options.rev !== undefined ? { rev: options.rev } : {}),
    ...(options.worktree ? { worktree: true } : {}),
    display: options.displayRoot ?? options.registryDir,
  });
  try {
    const result = await build(options, opened);
    return opened.commit ? { ...result, commit: opened.commit } : result;
  } finally {
    opened.close();
  }
}

async function build(options: BuildOptions, opened: OpenedRegistry): Promise<BuildResult> {
  const timings = { load: 0, model: 0, write: 0, site: 0, tuf: 0 };
  let t = performance.now();
  const { source, commit, repository } = opened;
  options.onStage?.("validate", commit ? `commit ${commit.slice(0, 12)}` : "files on disk");
  const partsFile = path.join(options.outDir, PARTS_FILE);
  // A build from a commit remembers it (commit-record-fs.ts), so the next one from a later commit
  // judges and models only what changed (build-commit.ts). The record is removed before anything
  // is written and written again only once this build has published.
  const fromCommit = commit && repository && !options.load ? { ...opened, commit, repository } : undefined;
  const record = fromCommit && !options.full ? readCommitRecord(options.outDir) : undefined;
  dropCommitRecord(options.outDir);
  const code = recordCode(validationCode(), renderingCode());
  const rebuilt =
    fromCommit && record
      ? await rebuildFromCommit({
          opened: fromCommit,
          record,
          code,
          // The index of the parts alone (read while git answers); details when needed.
          parts: () => PartsIndex.read(partsFile),
          env: options.env ?? {},
          ...(options.now ? { now: options.now } : {}),
          workers: availableParallelism(),
        })
      : undefined;
  const prepared = rebuilt
    ? fromRebuild(rebuilt, partsFile, record as CommitRecord)
    : await judgeWhole(
        options,
        opened,
        options.full ? { parts: new Map() } : readPartsFile(partsFile, fromCommit !== undefined),
        partsFile,
        fromCommit !== undefined,
        timings,
      );
  timings.load = performance.now() - t - timings.model;
  const manifests = {
    ...(prepared.manifests ? { manifests: prepared.manifests } : {}),
    ...(rebuilt && record ? { incremental: { since: record.commit, plugins: rebuilt.judged.plugins } } : {}),
  };
  const model = prepared.model;
  if (!model) return { findings: prepared.findings, published: false, timings, ...manifests };
  if (options.tuf) model.discovery = { ...model.discovery, tuf: { metadata: TUF_METADATA_PATH } };

  t = performance.now();
  // Manifests are published from the bytes validated in this run, kept by the load: not read or
  // hashed again, and exactly what was judged. Those of plugins a rebuild did not parse, and
  // bundles, are copied from the source that was validated (from a commit, blob by blob), read and
  // written rather than copied by the kernel: a copy costs more system calls than a small file's
  // read and write, and the writer checks the bytes read against the hash validated.
  try {
    options.onStage?.("write", `${model.plugins.length} plugins`);
  } catch (error) {
    // The manifests being written ahead stop with the build.
    await prepared.ahead?.close();
    throw error;
  }
  const report = await writeTree(
    options.outDir,
    renderApi(model, (file) => source.readFile(file), prepared.validated),
    { ignoreState: options.full === true, ...(prepared.ahead ? { ahead: prepared.ahead } : {}) },
  );
  const kept = prepared.remember();
  if (fromCommit && kept)
    writeCommitRecord(options.outDir, {
      code,
      top: fromCommit.repository.top,
      registryPath: fromCommit.repository.path,
      commit: fromCommit.commit,
      ...(prepared.newest !== undefined ? { newest: prepared.newest } : {}),
      // Dates read from a shallow history (or one git cannot say is whole) are not the whole
      // history's: the record says so (openRegistry asked git).
      shallow: fromCommit.shallow !== false,
      partsSha256: kept.partsSha256,
      overlay: kept.overlay,
      findings: prepared.findings,
    });
  timings.write = performance.now() - t;

  let tuf: TufWriteReport | undefined;
  if (options.tuf) {
    t = performance.now();
    tuf = writeTufMetadata(
      options.outDir,
      targetEntries(options.outDir, report.files),
      options.tuf,
      options.now?.() ?? new Date(),
    );
    timings.tuf = performance.now() - t;
  }

  let siteSkipped: boolean | undefined;
  if (options.site) {
    t = performance.now();
    options.onStage?.("site", `${model.plugins.length} plugins`);
    const ran = await options.site({
      pending: {
        fingerprint: siteFingerprint(model),
        baseUrl: model.base_url,
        load: () => completeModel(model),
      },
      outDir: path.resolve(options.outDir),
      base: options.base ?? "/",
      force: options.full === true,
    });
    siteSkipped = (ran as { skipped?: unknown } | undefined)?.skipped === true;
    timings.site = performance.now() - t;
  }
  return {
    findings: prepared.findings,
    published: true,
    model,
    report,
    timings,
    ...manifests,
    plugins: { total: model.plugins.length, reused: prepared.reused },
    ...(tuf ? { tuf } : {}),
    ...(siteSkipped === undefined ? {} : { siteSkipped }),
  };
}

/** What a build publishes, however it was judged, and how it remembers it for the next build. */
interface Prepared {
  findings: Finding[];
  manifests?: { total: number; judged: number };
  /** Absent when nothing is published (errors). */
  model?: BuildModel;
  validated: ValidatedBytes;
  /** Plugins taken from remembered parts. */
  reused: number;
  /** The newest commit date under the registry (from a commit). */
  newest?: string;
  /** The manifests being written while the model was built (into an empty output folder). */
  ahead?: WrittenAhead;
  /**
   * After the API is written: saves the caches and parts, and says what a commit record must name
   * of them (undefined: the parts could not be written, so no record may vouch for them).
   */
  remember(): { partsSha256: string; overlay: Record<string, StoredParts | null> } | undefined;
}

/**
 * The whole registry judged (remembered verdicts reused where nothing they depend on changed:
 * core/validate/verdicts.ts; a plugin none of whose inputs changed whole from its summary; a
 * manifest whose file stamp did not change not read: core/registry/file-stamps.ts; --full judges
 * every manifest again), dated from its history, and modelled (remembered parts reused by key).
 */
async function judgeWhole(
  options: BuildOptions,
  opened: OpenedRegistry,
  previous: { parts: Map<string, unknown>; sha256?: string },
  partsFile: string,
  recording: boolean,
  timings: { model: number },
): Promise<Prepared> {
  const { source, commit, repository } = opened;
  const cache = buildCache(options.outDir);
  const [loaded, git] = await Promise.all([
    options.load
      ? options.load(source)
      : loadRegistry(source, {
          workers: availableParallelism(),
          // Unchanged valid manifests are not parsed: their plugins' parts are remembered.
          keepManifests: "judged",
          ...cacheOptions(cache, validationCode(), options.full === true),
        }),
    commit && repository
      ? readGitDates(repository.top, commit, repository.path)
      : readGitDates(options.registryDir),
  ]);
  const manifests =
    loaded.stats.judged === undefined
      ? {}
      : { manifests: { total: loaded.stats.manifests, judged: loaded.stats.judged } };
  const newest = git?.newest !== undefined ? { newest: git.newest } : {};
  if (!passes(loaded.findings) || !loaded.snapshot)
    return {
      findings: loaded.findings,
      ...manifests,
      validated: () => undefined,
      reused: 0,
      ...newest,
      remember: () => undefined,
    };
  const t = performance.now();
  // Into an empty folder, the manifests validated are written on the other core while this one
  // builds the model: every one is published now that the registry passed (write-fs.ts).
  const ahead = writeAhead(options.outDir, manifestFiles(loaded.snapshot));
  let built: Awaited<ReturnType<typeof modelForBuild>>;
  let validated: ValidatedBytes;
  try {
    const generatedAt = generationTime(options.env ?? {}, git?.newest, options.now);
    built = await modelForBuild(
      loaded.snapshot,
      { publishedAt: git?.published ?? new Map(), generatedAt },
      previous.parts,
      (file) => source.readFile(file),
    );
    validated = validatedBytes(loaded.snapshot);
  } catch (error) {
    await ahead?.close();
    throw error;
  }
  timings.model = performance.now() - t;
  return {
    findings: loaded.findings,
    ...manifests,
    model: built.model,
    validated,
    reused: built.reused,
    ...newest,
    ...(ahead ? { ahead } : {}),
    remember: () => {
      // The verdicts, stamps and parts files are caches: one that misses a few entries costs the
      // next build a few manifests judged, read or parsed again, less than rewriting the whole file
      // (several MB for a large registry: 20 MB of stamps for 110,000 files) on every small
      // rebuild. They are rewritten once over 1% of them is stale. A stale stamp is never trusted:
      // it is another stamp. From a commit, the parts are rewritten whenever one is stale: the
      // commit record vouches for every plugin's, so the next rebuild reads no manifest it need not.
      const staleEnough = (stale: number, total: number): boolean => stale > 0 && stale * 100 >= total;
      saveCache(
        cache,
        loaded,
        options.full === true || staleEnough(loaded.verdictsStale ?? 1, loaded.stats.manifests),
        options.full === true ||
          (loaded.stamps !== undefined && staleEnough(loaded.stamps.stale, loaded.stamps.lines)),
      );
      const rewrite =
        options.full === true || (recording ? built.stale > 0 : staleEnough(built.stale, built.parts.size));
      const partsSha256 = rewrite ? writeParts(partsFile, built.parts) : previous.sha256;
      return recording && partsSha256 !== undefined ? { partsSha256, overlay: {} } : undefined;
    },
  };
}

/** The manifests of a snapshot whose bytes the load kept, where the API publishes them. */
function* manifestFiles(snapshot: NonNullable<LoadedRegistry["snapshot"]>): Generator<AheadFile> {
  for (const plugin of snapshot.plugins)
    for (const record of plugin.versions)
      if (record.bytes !== undefined)
        yield { path: manifestPath(plugin.name, record.version), bytes: record.bytes, sha256: record.sha256 };
}

/** Plugins changed since the parts file was written beyond which it is rewritten whole. */
const OVERLAY_LIMIT = 64;

/** What a rebuild from a commit publishes (build-commit.ts), and how it remembers it. */
function fromRebuild(rebuilt: CommitRebuild, partsFile: string, record: CommitRecord): Prepared {
  return {
    findings: rebuilt.findings,
    manifests: { total: rebuilt.manifests, judged: rebuilt.judged.manifests },
    ...(rebuilt.model ? { model: rebuilt.model } : {}),
    validated: rebuilt.loaded.snapshot ? validatedBytes(rebuilt.loaded.snapshot) : () => undefined,
    reused: (rebuilt.model?.plugins.length ?? 0) - rebuilt.judged.plugins,
    ...(rebuilt.newest !== undefined ? { newest: rebuilt.newest } : {}),
    remember: () => {
      // The verdicts, summaries and stamps are left as they are: each is checked against what it
      // stands for when used, so the next build that judges the whole registry judges again only
      // what changed since they were written. The parts changed are kept in the record until there
      // are more than a few, then the parts file is rewritten whole.
      const overlay: Record<string, StoredParts | null> = { ...record.overlay };
      for (const [name, parts] of rebuilt.changed) overlay[name] = parts;
      const plugins = rebuilt.model?.plugins.length ?? 0;
      if (Object.keys(overlay).length <= Math.max(OVERLAY_LIMIT, plugins / 100))
        return { partsSha256: record.partsSha256, overlay };
      const all = rebuilt.allParts();
      const partsSha256 = all && writeParts(partsFile, all);
      return partsSha256 === undefined ? undefined : { partsSha256, overlay: {} };
    },
  };
}
