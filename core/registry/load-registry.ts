import { availableParallelism } from "node:os";
import { append } from "../findings.ts";
import type { Finding } from "../findings.types.ts";
import type { Entry, PluginRecord, RegistryConfig } from "../registry.types.ts";
import type { KnownVersion } from "../rules/rule.types.ts";
import { validateRegistryConfig } from "../validate/validate-documents.ts";
import {
  pluginContextKey,
  readSummaries,
  readVerdictStore,
  storedCount,
  storedLine,
  storedVersions,
  summariesText,
  summaryLine,
  type Verdict,
  type VerdictStore,
  verdictLine,
  verdictsText,
} from "../validate/verdicts.ts";
import { checkLayout } from "./check-layout.ts";
import { findCycles } from "./cycles.ts";
import { entryCodeTag, type LoadedEntry, loadEntry } from "./entry-stamps.ts";
import {
  type LoadStamps,
  type ReadFile,
  readStamps,
  stampedListings,
  stampsText,
  wallClockNs,
} from "./file-stamps.ts";
import { CONFIG_FILE, entryFile, trustedRootFiles } from "./layout.ts";
import { ReaderThread } from "./reader-thread.ts";
import { validateRecalled } from "./recall-registry.ts";
import type { RegistrySource } from "./source.types.ts";
import {
  type KeepManifests,
  type PluginFiles,
  type PluginResult,
  type PluginWork,
  validatePluginStamped,
} from "./validate-plugin.ts";
import { type EntrySharing, ValidationPool } from "./worker-pool.ts";

/** A loaded registry: what the generator renders and the gate compares against. */
export interface RegistrySnapshot {
  root: string;
  config: RegistryConfig;
  /** Sorted by name; each plugin's versions ascending by SemVer precedence. */
  plugins: PluginRecord[];
}

export interface RegistryStats {
  plugins: number;
  manifests: number;
  filesRead: number;
  errors: number;
  warnings: number;
  /** Manifests judged; present when remembered verdicts were offered (the rest reused one). */
  judged?: number;
}

export interface LoadedRegistry {
  /** Present when config.json is valid; plugins or versions with errors are left out of it. */
  snapshot?: RegistrySnapshot;
  findings: Finding[];
  stats: RegistryStats;
  /**
   * Every manifest's verdict, to remember (present when `verdicts` was given; with summaries, the
   * store offered is read when this is first got).
   */
  verdicts?: VerdictStore;
  /**
   * The text of the store to remember (present when `verdicts` was given): `verdicts` as stored
   * lines, those of plugins reused whole from their summaries copied from the store offered.
   */
  verdictsText?: () => string;
  /**
   * The verdict summaries to remember (when `verdicts.summaries` was given): whether they differ
   * from those offered, and their text.
   */
  summaries?: { changed: boolean; text: () => string };
  /**
   * False when `verdicts` holds exactly the store that was offered (every verdict reused, none
   * gone): there is nothing new to write. Present when `verdicts` was given.
   */
  verdictsChanged?: boolean;
  /**
   * How far the offered store is from `verdicts`: the manifests judged plus the offered verdicts
   * not reused (changed or gone). Present when `verdicts` was given.
   */
  verdictsStale?: number;
  /**
   * The file stamps to remember (file-stamps.ts), when `stamps` was asked for and taken: whether
   * they differ from those offered (every one remembered as it was, and none gone: not changed),
   * and their text.
   */
  stamps?: {
    changed: boolean;
    /**
     * How far the stamps offered are from these: lines not remembered as they were (files read,
     * folders listed again) plus lines offered and not remembered again (gone, changed, recent).
     */
    stale: number;
    /** How many lines `text` holds. */
    lines: number;
    text: () => string;
  };
}

export interface LoadOptions {
  /**
   * Threads to validate manifests on (default 1). Used for sources another thread can open (a
   * folder, a commit: `RegistrySource.location`) with at least PARALLEL_THRESHOLD manifests;
   * the main thread takes one share.
   */
  workers?: number;
  /**
   * Keep every manifest in the snapshot (default true), with the bytes it was validated from
   * (`VersionRecord.bytes`, when read in this run). `false` is for callers that only need
   * the findings, such as `validate`: results cross thread boundaries without them. `"judged"`
   * keeps only the manifests judged in this run: a valid one whose remembered verdict is reused is
   * not parsed, and its plugin's record lists it in `unparsed` (the generator's rebuilds).
   */
  keepManifests?: KeepManifests;
  /** Fewest manifests for which workers are used (default PARALLEL_THRESHOLD). */
  parallelThreshold?: number;
  /**
   * Remember verdicts (core/validate/verdicts.ts): `code` is the identity of the code that judges
   * (the adapter's: the bundle's or the sources' hash with the tool's version), `previous` the
   * text the last load gave in `verdictsText` as read back from its file (anything, untrusted:
   * what is not a reusable verdict is ignored), or a function that reads it (called only if the
   * store is needed: with summaries that cover every plugin, when none changed, never).
   * Manifests whose verdict is reusable are not judged again; the result carries the verdicts to
   * store. `summaries`: take verdict
   * summaries (a plugin none of whose inputs changed is then reused whole, the store unread),
   * `previous` being the text the last load gave in `summaries` (untrusted).
   */
  verdicts?: {
    code: string;
    previous?: Uint8Array | (() => Uint8Array | undefined);
    summaries?: { previous: Uint8Array | undefined };
  };
  /**
   * Take file stamps (file-stamps.ts), with remembered verdicts, from a source that stamps (a
   * folder on disk, a commit):
   * `previous` is the text the last load gave in `stamps` (untrusted). A manifest whose stamp did
   * not change is not read; its remembered sha256 is compared with its verdict's key instead.
   * Stamps are taken when the reader thread walks the registry, and when worker threads judge
   * every manifest (both only for a large registry, with two cores or more).
   */
  stamps?: { previous: Uint8Array | undefined };
  /**
   * Load only these plugins (the gate: the plugins a change touches and what they depend on), each
   * judged exactly as in a load of the whole registry: its layout, entry and every manifest in
   * registry context (dependencies resolved among the plugins loaded), its listing, and cycles
   * among them. Default: every plugin. Not with `verdicts` or `stamps` (they describe a whole load).
   */
  only?: readonly string[];
}

/** Below this many manifests, starting workers costs more than it saves. */
export const PARALLEL_THRESHOLD = 4000;
/**
 * Workers start when plugins/ is listed if its plugins at this many versions each would reach the
 * threshold (a registry of ten or more versions per plugin is typical of an old one).
 */
const EARLY_START_VERSIONS = 10;

/**
 * Loads and validates a whole registry through its source: config.json, every entry.json and
 * every manifest in registry context (dependencies resolved against the registry, spec version
 * against config.json), plus registry-wide checks (dependency cycles, orphan files, yanks of
 * versions that do not exist). Never throws on bad data.
 */
export async function loadRegistry(
  source: RegistrySource,
  options: LoadOptions = {},
): Promise<LoadedRegistry> {
  // Remembered verdicts and stamps describe a whole registry: a partial load would forget the rest.
  if (options.only && (options.verdicts || options.stamps))
    throw new TypeError("loadRegistry: `only` cannot be combined with `verdicts` or `stamps`");
  const startedNs = wallClockNs();
  const findings: Finding[] = [];
  const stats: RegistryStats = { plugins: 0, manifests: 0, filesRead: 0, errors: 0, warnings: 0 };
  const read: ReadFile = async (rel, stamped) => {
    stats.filesRead++;
    return source.readFile(rel, stamped);
  };
  // With remembered verdicts, this thread first finds what is left to judge (recall-registry.ts);
  // with as many as make it worth a thread, a reader thread starts walking the registry now, so
  // its reading overlaps with the layout walk and the entries below. With summaries, the store is
  // read only when a plugin must be recalled.
  const summaries = options.verdicts?.summaries && readSummaries(options.verdicts.summaries.previous);
  const lazy = summaries !== undefined && summaries.size > 0;
  const store = options.verdicts && new LazyStore(options.verdicts.previous, !lazy);
  const recall = lazy || (store !== undefined && store.get().size > 0);
  const offered = [...((lazy ? summaries : store?.get())?.values() ?? [])].reduce(
    (n, line) => n + storedCount(line),
    0,
  );
  const threads = Math.min(options.workers ?? 1, availableParallelism());
  const threshold = options.parallelThreshold ?? PARALLEL_THRESHOLD;
  const walk = recall && threads > 1 && source.location !== undefined && offered >= threshold;
  // Stamps are used whenever verdicts are recalled from a folder, on this thread alone too: a
  // stat costs a third of opening, reading and hashing a small file.
  const previousStamps = recall && options.stamps && source.stamp ? options.stamps : undefined;
  const reader =
    walk && source.location
      ? new ReaderThread({
          location: source.location,
          ...(previousStamps ? { stamps: { previous: previousStamps.previous, startedNs } } : {}),
        })
      : undefined;
  // The stamps are read here once the reader thread, which reads its own, has started.
  const stamps = previousStamps && {
    previous: previousStamps.previous,
    index: readStamps(previousStamps.previous),
    startedNs,
  };
  // A load of a folder that judges every manifest takes the stamps of what it lists and reads,
  // so the next load stats them instead (on whichever threads judge, decided after the walk).
  const fresh =
    !recall && options.stamps && source.stamp ? { index: new Map<string, string>(), startedNs } : undefined;
  const workers: { pool?: ValidationPool } = {};
  try {
    return await load(
      source,
      options,
      { store, summaries, recall, offered, threads, threshold, reader, stamps, fresh, workers },
      stats,
      findings,
      read,
    );
  } finally {
    // The pool closes itself when it has run; this stops one started but not run (an error).
    await Promise.all([reader?.close(), workers.pool?.close()]);
  }
}

/** What loadRegistry decided before the walk: the remembered verdicts and the threads to use. */
interface LoadPlan {
  store: LazyStore | undefined;
  summaries: Map<string, string> | undefined;
  recall: boolean;
  /** How many (plugin, version) verdicts the store offers. */
  offered: number;
  threads: number;
  threshold: number;
  reader: ReaderThread | undefined;
  /** Stamps used and taken in this load (the reader thread's and this thread's reads), if any. */
  stamps: (LoadStamps & { previous: Uint8Array | undefined }) | undefined;
  /** Stamps taken, none used: by the worker threads' reads when they judge every manifest. */
  fresh: LoadStamps | undefined;
  /** The worker threads that judge every manifest, once started (closed by loadRegistry). */
  workers: { pool?: ValidationPool };
}

async function load(
  source: RegistrySource,
  options: LoadOptions,
  { store, summaries, recall, offered, threads, threshold, reader, stamps, fresh, workers }: LoadPlan,
  stats: RegistryStats,
  findings: Finding[],
  read: ReadFile,
): Promise<LoadedRegistry> {
  const config = await loadConfig(source, read, findings);

  // The layout walk (listings only, no parsing) judges every entry and gives every plugin's
  // versions, so each manifest is checked in one pass; nothing it refuses is read.
  // With stamps, folders whose stamp did not change are not listed again (file-stamps.ts).
  const taking = stamps ?? fresh;
  const listed = taking && stampedListings(source, taking.index, taking.startedNs);
  // With stamps, an entry whose stamp did not change is taken from them, not read (entry-stamps.ts).
  const entryStamps = taking && options.verdicts && { ...taking, tag: entryCodeTag(options.verdicts.code) };
  // Without remembered verdicts, worker threads judge beside this one. With enough plugins to
  // promise enough manifests, they start as soon as plugins/ is listed, so their start-up overlaps
  // with the layout walk; else once the walk has counted the manifests. Started early, they also
  // read entries while this thread walks (EntrySharing): only with no stamps to use (taken
  // afresh or not at all), as a worker has none.
  const location = !recall && threads > 1 ? source.location : undefined;
  let sharing: EntrySharing | undefined;
  const layout = await checkLayout(listed?.source ?? source, {
    trustedRoots: trustedRootFiles(config),
    ...(options.only ? { plugins: options.only } : {}),
    ...(location
      ? {
          listed: (plugins: number) => {
            if (plugins * EARLY_START_VERSIONS < threshold) return;
            workers.pool = new ValidationPool(location, threads);
            if (!entryStamps || entryStamps.index.size === 0)
              sharing = workers.pool.shareEntries(
                plugins,
                entryStamps && { tag: entryStamps.tag, startedNs: entryStamps.startedNs },
              );
          },
          walked: (plugin: string) => sharing?.add(plugin),
        }
      : {}),
  });
  append(findings, layout.findings);
  const listings: PluginFiles[] = layout.plugins.map((p) => ({
    name: p.name,
    versionFiles: p.versions,
    bundles: p.bundles,
  }));
  const manifestCount = listings.reduce((n, l) => n + l.versionFiles.length, 0);
  // A pool started early is used even for fewer manifests: the main thread takes from the same
  // queue, so a worker that is not ready yet only does less of the work.
  if (!workers.pool && location && manifestCount >= threshold)
    workers.pool = new ValidationPool(location, threads);
  const pool = workers.pool;
  const entries = new Map<string, Entry>();
  const entryLines: string[] = new Array(listings.length).fill("");
  let freshEntries = 0;
  const loadHere = (name: string): Promise<LoadedEntry | undefined> =>
    loadEntry(listed?.source ?? source, entryStamps, entryFile(name), name, read);
  const shared = await sharing?.finish(loadHere);
  const loadedEntries = await Promise.all(
    listings.map((l) => (shared?.has(l.name) ? shared.get(l.name) : loadHere(l.name))),
  );
  // In the listings' order, wherever each entry was read.
  for (const [i, l] of listings.entries()) {
    const loaded = loadedEntries[i];
    if (!loaded) {
      findings.push(
        missing(
          entryFile(l.name),
          "ENTRY_INVALID",
          `plugin '${l.name}' has no entry.json: add its owners and repository`,
        ),
      );
      continue;
    }
    entryLines[i] = loaded.line;
    if (loaded.fresh) freshEntries++;
    append(findings, loaded.result.findings);
    if (loaded.result.value) entries.set(l.name, loaded.result.value);
  }
  const known = new Map<string, KnownVersion[]>();
  for (const l of listings) {
    const yanked = entries.get(l.name)?.yanked ?? {};
    known.set(
      l.name,
      l.versionFiles.map((v) => ({ version: v, yanked: Object.hasOwn(yanked, v) })),
    );
  }
  const lookup = (name: string): readonly KnownVersion[] | undefined => known.get(name);

  const keep = options.keepManifests ?? true;
  const jobs: PluginWork[] = listings.map((listing) => {
    const entry = entries.get(listing.name);
    const context = options.verdicts
      ? pluginContextKey(options.verdicts.code, config, listing.name, entry)
      : "";
    // A plugin's remembered verdicts are found when it is recalled (previousOf): without a store
    // to recall from, there are none.
    const verdicts = options.verdicts && { context, previous: {} };
    return { listing, ...(entry ? { entry } : {}), ...(verdicts ? { verdicts } : {}) };
  });
  const recalled = recall
    ? await validateRecalled(jobs, {
        source: listed?.source ?? source,
        config,
        known,
        read,
        keepManifests: keep,
        location: source.location,
        threads,
        parallelThreshold: threshold,
        ...(reader ? { reader } : {}),
        ...(stamps ? { stamps } : {}),
        ...(summaries ? { summaries } : {}),
        ...(store
          ? {
              previousOf: (job: PluginWork) =>
                storedVersions(store.line(job.listing.name), job.verdicts?.context ?? ""),
            }
          : {}),
      })
    : undefined;
  const results = recalled
    ? recalled.results
    : pool
      ? await pool.run(config, known, jobs, read, keep, fresh && { source, startedNs: fresh.startedNs })
      : await Promise.all(
          jobs.map((job) =>
            validatePluginStamped(
              job,
              config,
              lookup,
              read,
              keep,
              fresh && { source, startedNs: fresh.startedNs },
            ),
          ),
        );
  const plugins: PluginRecord[] = [];
  const summaryLines: string[] = [];
  let freshSummaries = 0;
  if (options.verdicts) stats.judged = 0;
  for (const [i, result] of results.entries()) {
    append(findings, result.findings);
    stats.manifests += result.manifests;
    if (stats.judged !== undefined) stats.judged += result.judged;
    const job = jobs[i] as PluginWork;
    if (summaries && job.verdicts) {
      if (result.summarized !== undefined) summaryLines.push(`${result.name}\t${result.summarized}`);
      else if (result.verdicts) {
        const line = summaryLine(
          result.name,
          job.verdicts.context,
          job.listing.versionFiles,
          result.verdicts,
        );
        if (line !== undefined) summaryLines.push(line);
        freshSummaries++;
      }
    }
    const entry = entries.get(result.name);
    if (entry)
      plugins.push({
        name: result.name,
        entry,
        entryFile: entryFile(result.name),
        versions: result.versions,
        ...(result.unparsed ? { unparsed: result.unparsed } : {}),
      });
  }
  append(findings, findCycles(results));
  stats.plugins = listings.length;
  for (const f of findings) {
    if (f.severity === "error") stats.errors++;
    else if (f.severity === "warning") stats.warnings++;
  }
  // Every verdict reused and as many as the store held: the same (name, version) pairs, the same verdicts.
  const verdictsChanged = stats.judged !== 0 || offered !== stats.manifests;
  const reusedVerdicts = stats.manifests - (stats.judged ?? 0);
  const verdictsStale = (stats.judged ?? 0) + Math.max(0, offered - reusedVerdicts);
  const freshLines = !recalled && fresh ? results.flatMap((r) => r.stampLines ?? []) : undefined;
  const stampLines =
    recalled?.stampLines ?? (freshLines && { count: freshLines.length, lines: () => freshLines });
  const entryStampLines = entryLines.filter((line) => line !== "");
  let taken: LoadedRegistry["stamps"];
  if (taking && stampLines && listed) {
    const lines = listed.lines.length + entryStampLines.length + stampLines.count;
    const fresh = listed.fresh.count + freshEntries + (recalled?.freshStamps ?? stampLines.count);
    const dropped = Math.max(0, taking.index.size - (lines - fresh));
    taken = {
      changed: fresh > 0 || lines !== taking.index.size,
      stale: fresh + dropped,
      lines,
      text: () => stampsText([...listed.lines, ...entryStampLines, ...stampLines.lines()]),
    };
  }
  const loaded: LoadedRegistry = {
    ...(config ? { snapshot: { root: source.root, config, plugins } } : {}),
    findings,
    stats,
    ...(taken ? { stamps: taken } : {}),
    ...(summaries
      ? {
          summaries: {
            changed: freshSummaries > 0 || summaryLines.length !== summaries.size,
            text: () => summariesText(summaryLines),
          },
        }
      : {}),
  };
  if (options.verdicts) {
    // The verdicts to store: each plugin's judged or recalled ones, and, for a plugin reused from
    // its summary, those the store offered (read now, if not yet).
    // What each plugin remembers: its judged or recalled verdicts, or, reused whole from its
    // summary, its line of the store offered (if one of its context).
    const remembered = (
      result: PluginResult,
      i: number,
    ):
      | { context: string; versions: Record<string, Verdict> }
      | { context: string; stored: string }
      | undefined => {
      const context = jobs[i]?.verdicts?.context;
      if (context === undefined) return undefined;
      if (result.summarized === undefined) return result.verdicts && { context, versions: result.verdicts };
      const stored = store?.line(result.name);
      return stored !== undefined && storedCount(stored) > 0 && stored.startsWith(`${context}\t`)
        ? { context, stored }
        : undefined;
    };
    let verdicts: VerdictStore | undefined;
    const storeOf = (): VerdictStore => {
      if (verdicts !== undefined) return verdicts;
      verdicts = {};
      for (const [i, result] of results.entries()) {
        const kept = remembered(result, i);
        if (kept === undefined) continue;
        const versions =
          "stored" in kept
            ? (storedVersions(kept.stored, kept.context) as Record<string, Verdict>)
            : kept.versions;
        if ("stored" in kept && Object.keys(versions).length === 0) continue;
        Object.defineProperty(verdicts, result.name, {
          value: { context: kept.context, versions },
          enumerable: true,
        });
      }
      return verdicts;
    };
    // The same store as text: a plugin reused from its summary keeps its stored line as it is.
    loaded.verdictsText = () =>
      verdictsText(
        results.flatMap((result, i) => {
          const kept = remembered(result, i);
          const line =
            kept && ("stored" in kept ? `${result.name}\t${kept.stored}` : verdictLine(result.name, kept));
          return line ? [line] : [];
        }),
      );
    Object.defineProperty(loaded, "verdicts", { get: storeOf, enumerable: true });
    loaded.verdictsChanged = verdictsChanged;
    loaded.verdictsStale = verdictsStale;
  }
  return loaded;
}

/** The store offered, split into lines when first needed (at once unless `lazy`). */
class LazyStore {
  #map: ReturnType<typeof readVerdictStore> | undefined;
  #bytes: Uint8Array | undefined;
  #read = false;
  /** Lines found by searching the bytes (`line`), before splitting them all costs less. */
  #searched = 0;
  readonly #previous: Uint8Array | (() => Uint8Array | undefined) | undefined;
  constructor(previous: Uint8Array | (() => Uint8Array | undefined) | undefined, now: boolean) {
    this.#previous = previous;
    if (now) this.get();
  }
  get(): ReturnType<typeof readVerdictStore> {
    this.#map ??= readVerdictStore(this.#stored());
    this.#bytes = undefined;
    return this.#map;
  }
  /** One plugin's stored line: searched for while few are asked (a small rebuild), else from `get`. */
  line(name: string): string | undefined {
    if (this.#map === undefined && this.#searched < SEARCHED_LINES) {
      const bytes = this.#stored();
      if (bytes === undefined) return undefined;
      const found = storedLine(bytes, name);
      if (found !== null) {
        this.#searched++;
        return found;
      }
    }
    return this.get().get(name);
  }
  #stored(): Uint8Array | undefined {
    if (!this.#read) {
      this.#bytes = typeof this.#previous === "function" ? this.#previous() : this.#previous;
      this.#read = true;
    }
    return this.#bytes;
  }
}

/** How many of its lines a store is searched for before it is split whole (each search reads it). */
const SEARCHED_LINES = 8;

async function loadConfig(
  source: RegistrySource,
  read: (rel: string) => Promise<Uint8Array | undefined>,
  findings: Finding[],
): Promise<RegistryConfig | undefined> {
  const bytes = await read(CONFIG_FILE);
  if (!bytes) {
    findings.push(
      missing(
        CONFIG_FILE,
        "CONFIG_INVALID",
        `no config.json in ${source.root}: is this a registry folder? (see docs/registry-format.md)`,
      ),
    );
    return undefined;
  }
  const result = validateRegistryConfig(bytes, CONFIG_FILE);
  append(findings, result.findings);
  return result.value;
}

function missing(file: string, code: Finding["code"], message: string): Finding {
  return { code, severity: "error", message, file, pointer: "" };
}
