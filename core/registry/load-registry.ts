import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Finding } from "../findings.types.ts";
import type { Entry, PluginRecord, RegistryConfig } from "../registry.types.ts";
import type { KnownVersion } from "../rules/rule.types.ts";
import { validateConfig, validateEntry } from "../validate/validate-documents.ts";
import { findCycles } from "./cycles.ts";
import { CONFIG_FILE, entryFile, PLUGINS_DIR, versionsDir } from "./layout.ts";
import type { RegistrySource } from "./source.types.ts";
import { type PluginListing, type PluginResult, type PluginWork, validatePlugin } from "./validate-plugin.ts";

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
}

export interface LoadedRegistry {
  /** Present when config.json is valid; plugins or versions with errors are left out of it. */
  snapshot?: RegistrySnapshot;
  findings: Finding[];
  stats: RegistryStats;
}

export interface LoadOptions {
  /**
   * Threads to validate manifests on (default 1). Used for registries on disk with at least
   * PARALLEL_THRESHOLD manifests; the main thread takes one share.
   */
  workers?: number;
  /** Fewest manifests for which workers are used (default PARALLEL_THRESHOLD). */
  parallelThreshold?: number;
}

/** Below this many manifests, starting workers costs more than it saves. */
export const PARALLEL_THRESHOLD = 4000;

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
  const findings: Finding[] = [];
  const stats: RegistryStats = { plugins: 0, manifests: 0, filesRead: 0, errors: 0, warnings: 0 };
  const read = async (rel: string): Promise<Uint8Array | undefined> => {
    stats.filesRead++;
    return source.readFile(rel);
  };
  const config = await loadConfig(source, read, findings);

  // Listing only (no parsing) gives every plugin's versions, so each manifest is checked in one pass.
  const listings = await Promise.all(
    (await source.list(PLUGINS_DIR)).map((name) => listPlugin(source, name)),
  );
  const entries = new Map<string, Entry>();
  await Promise.all(
    listings.map(async (l) => {
      const file = entryFile(l.name);
      const bytes = await read(file);
      if (!bytes) {
        findings.push(
          missing(
            file,
            "ENTRY_INVALID",
            `plugin '${l.name}' has no entry.json: add its owners and repository`,
          ),
        );
        return;
      }
      const result = validateEntry(bytes, file, l.name);
      findings.push(...result.findings);
      if (result.value) entries.set(l.name, result.value);
    }),
  );
  const known = new Map<string, KnownVersion[]>();
  for (const l of listings) {
    const yanked = entries.get(l.name)?.yanked ?? {};
    known.set(
      l.name,
      l.versionFiles.map((v) => ({ version: v, yanked: Object.hasOwn(yanked, v) })),
    );
  }
  const lookup = (name: string): readonly KnownVersion[] | undefined => known.get(name);

  const jobs: PluginWork[] = listings.map((listing) => {
    const entry = entries.get(listing.name);
    return entry ? { listing, entry } : { listing };
  });
  const workers = Math.min(options.workers ?? 1, availableParallelism());
  const manifestCount = listings.reduce((n, l) => n + l.versionFiles.length, 0);
  const results =
    workers > 1 &&
    source.dir !== undefined &&
    manifestCount >= (options.parallelThreshold ?? PARALLEL_THRESHOLD)
      ? await validateInWorkers(source.dir, config, known, jobs, workers, read)
      : await Promise.all(jobs.map((job) => validatePlugin(job, config, lookup, read)));
  const plugins: PluginRecord[] = [];
  for (const result of results) {
    findings.push(...result.findings);
    stats.manifests += result.manifests;
    const entry = entries.get(result.name);
    if (entry)
      plugins.push({
        name: result.name,
        entry,
        entryFile: entryFile(result.name),
        versions: result.versions,
      });
  }
  findings.push(...findCycles(plugins));
  stats.plugins = listings.length;
  for (const f of findings) {
    if (f.severity === "error") stats.errors++;
    else if (f.severity === "warning") stats.warnings++;
  }
  return { ...(config ? { snapshot: { root: source.root, config, plugins } } : {}), findings, stats };
}

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
  const result = validateConfig(bytes, CONFIG_FILE);
  findings.push(...result.findings);
  return result.value;
}

async function listPlugin(source: RegistrySource, name: string): Promise<PluginListing> {
  const listing: PluginListing = { name, versionFiles: [], bundles: new Set(), others: [] };
  for (const file of await source.list(versionsDir(name))) {
    if (file.endsWith(".sigstore.json")) listing.bundles.add(file.slice(0, -".sigstore.json".length));
    else if (file.endsWith(".json")) listing.versionFiles.push(file.slice(0, -".json".length));
    else listing.others.push(file);
  }
  return listing;
}

function missing(file: string, code: Finding["code"], message: string): Finding {
  return { code, severity: "error", message, file, pointer: "" };
}

/**
 * Splits the plugins into shares of about equal manifest counts: the main thread validates the
 * first, one worker thread each of the others. Results come back in the original order.
 */
async function validateInWorkers(
  dir: string,
  config: RegistryConfig | undefined,
  known: Map<string, KnownVersion[]>,
  jobs: PluginWork[],
  workers: number,
  read: (rel: string) => Promise<Uint8Array | undefined>,
): Promise<PluginResult[]> {
  const total = jobs.reduce((n, j) => n + j.listing.versionFiles.length, 0);
  const shares: PluginWork[][] = [[]];
  let inShare = 0;
  for (const job of jobs) {
    if (inShare >= total / workers && shares.length < workers) {
      shares.push([]);
      inShare = 0;
    }
    shares.at(-1)?.push(job);
    inShare += job.listing.versionFiles.length;
  }
  const [own = [], ...others] = shares;
  const knownList = [...known];
  const remote = others.map(
    (share) =>
      new Promise<PluginResult[]>((resolve, reject) => {
        const worker = new Worker(new URL("./load-worker.ts", import.meta.url), {
          workerData: { dir, config, known: knownList, jobs: share },
        });
        worker.once("message", (results: PluginResult[]) => {
          resolve(results);
          void worker.terminate();
        });
        worker.once("error", reject);
      }),
  );
  const lookup = (name: string): readonly KnownVersion[] | undefined => known.get(name);
  const local: PluginResult[] = [];
  for (const job of own) local.push(await validatePlugin(job, config, lookup, read));
  return [local, ...(await Promise.all(remote))].flat();
}
