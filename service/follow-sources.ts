/**
 * Discovery sources followed while the daemon runs, so DiscoverPlugins sees changes without a
 * restart: a `filesystem` source with `watch_changes` is rebuilt when its folder changes (fs.watch),
 * a `git` source with `sync_interval_seconds` is fetched again on that interval, and a `registry`
 * source is rebuilt every `cache_ttl_seconds` (its documents are then revalidated).
 */
import { type FSWatcher, watch } from "node:fs";
import type { EffectiveSource } from "../core/config/discovery-config.types.ts";
import type { MetadataSource } from "../runner/index.ts";

/** How one source is followed. */
export interface FollowSettings {
  watchChanges: boolean;
  syncIntervalSeconds?: number;
}

/** The specification's `watch_changes` (filesystem) and `sync_interval_seconds` (git) of a source, as core read them. */
export function followSettingsOf(entry: EffectiveSource): FollowSettings {
  return {
    watchChanges: entry.type === "filesystem" && entry.watchChanges,
    ...(entry.type === "git" && entry.syncIntervalSeconds
      ? { syncIntervalSeconds: entry.syncIntervalSeconds }
      : {}),
  };
}

export interface FollowedSource {
  entry: EffectiveSource;
  /** Where the folder of a filesystem source is (resolved against the config's folder). */
  path?: string;
  /** Builds a fresh source for the entry (the runner's sourcesFromConfig on this one entry). */
  build: () => MetadataSource;
}

/** Follows sources; `sources` is the live list the daemon's requests read, replaced in place. */
export class SourceFollower {
  readonly #sources: MetadataSource[];
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #watchers: FSWatcher[] = [];
  readonly #refreshing = new Set<FollowedSource>();
  readonly #log: (line: string) => void;

  constructor(sources: MetadataSource[], log: (line: string) => void = () => undefined) {
    this.#sources = sources;
    this.#log = log;
  }

  /** Starts following `followed` (each matched to its live source by kind and location). */
  follow(followed: FollowedSource[], registryTtlSeconds = 300): void {
    for (const f of followed) {
      const settings = followSettingsOf(f.entry);
      if (f.entry.type === "filesystem" && settings.watchChanges && f.path) this.#watch(f, f.path);
      const seconds =
        f.entry.type === "git"
          ? settings.syncIntervalSeconds
          : f.entry.type === "registry"
            ? (f.entry.cacheTtlSeconds ?? registryTtlSeconds)
            : undefined;
      if (seconds) {
        const timer = setInterval(() => void this.replace(f), seconds * 1000);
        timer.unref();
        this.#timers.push(timer);
      }
    }
  }

  #watch(f: FollowedSource, path: string): void {
    let pending: NodeJS.Timeout | undefined;
    const watcher = watch(path, { recursive: f.entry.type === "filesystem" && f.entry.recursive }, () => {
      if (pending) clearTimeout(pending);
      pending = setTimeout(() => void this.replace(f), 100);
    });
    watcher.on("error", (error) => this.#log(`watching ${path}: ${error.message}`));
    this.#watchers.push(watcher);
  }

  /** Builds the source again, loads it, and swaps it in; a failure keeps the old one. */
  async replace(f: FollowedSource): Promise<void> {
    // One refresh of a source at a time: two git fetches into one cache folder would corrupt it.
    if (this.#refreshing.has(f)) return;
    this.#refreshing.add(f);
    try {
      await this.#replace(f);
    } finally {
      this.#refreshing.delete(f);
    }
  }

  async #replace(f: FollowedSource): Promise<void> {
    // On a timer or a watch: nothing handles a rejection here, so every failure is told, not thrown.
    let fresh: MetadataSource | undefined;
    try {
      fresh = f.build();
      const { kind, location } = fresh;
      const index = this.#sources.findIndex((s) => s.kind === kind && s.location === location);
      if (index < 0) return;
      await fresh.list("");
      this.#sources[index] = fresh;
    } catch (error) {
      const what = fresh ? `${fresh.kind} source ${fresh.location}` : `a ${f.entry.type} source`;
      this.#log(`refreshing ${what}: ${(error as Error).message}`);
    }
  }

  stop(): void {
    for (const t of this.#timers) clearInterval(t);
    for (const w of this.#watchers) w.close();
  }
}
