/**
 * A rebuild from a commit that costs what changed, not what the registry holds. The build of an
 * earlier commit left a record (commit-record-fs.ts) and every plugin's parts (parts-cache-fs.ts);
 * when that commit is an ancestor of the one to publish, git names the files that changed between
 * them (`git diff-tree`, no file of an untouched plugin read or listed), and core decides which
 * plugins the change can reach (load-scope.ts `rebuildScope`, the one judge of it): the touched
 * plugins, those that depend on them and what those depend on; the whole registry, i.e. no
 * shortcut, when config.json or anything outside plugins/ changed or a plugin lost a version.
 * Only those plugins are judged (`loadRegistry` with `only`, exactly as in a whole load) and
 * modelled; every other plugin is taken from its parts, and its findings from the record.
 * Publication dates come from the history between the two commits (`git log base..head`), the
 * rest from the parts. The model goes through the same assembly and writer as a full build, so
 * the output is byte for byte what a full build of the commit writes (test/generator/
 * build-commit.test.ts compares them across every kind of change).
 *
 * Anything this cannot vouch for (no record, another code, another repository, a commit that is
 * not a descendant, a parts file that is not the one recorded, a date it cannot find) returns
 * undefined, and the caller builds the commit as a first build does.
 */
import { hash } from "node:crypto";
import { RegistryError } from "../core/errors.ts";
import { findingKey, passes } from "../core/findings.ts";
import type { Finding } from "../core/findings.types.ts";
import { gitChanges } from "../core/gate/changes.ts";
import type { FileChange } from "../core/governance/governance.types.ts";
import { PLUGINS_DIR } from "../core/registry/layout.ts";
import { type LoadedRegistry, loadRegistry } from "../core/registry/load-registry.ts";
import { rebuildScope } from "../core/registry/load-scope.ts";
import type { OpenedRegistry } from "../core/registry/open-registry.ts";
import type { PluginRecord } from "../core/registry.types.ts";
import type { CommitRecord } from "./commit-record-fs.ts";
import { partsKey } from "./fingerprint.ts";
import { assembleModel } from "./model.ts";
import type { BuildModel, CachedPluginModel, PluginModel, PluginParts } from "./model.types.ts";
import {
  cachedParts,
  DamagedParts,
  type PartsIndex,
  type StoredParts,
  storedParts,
} from "./parts-cache-fs.ts";
import { pluginModel } from "./plugin-model.ts";
import { extendsHistory, readGitDates } from "./published-git.ts";
import { generationTime } from "./time.ts";

export interface CommitRebuildInput {
  opened: OpenedRegistry & { commit: string; repository: { top: string; path: string } };
  /** The previous build's record, as read (untrusted). */
  record: CommitRecord;
  /** The code identity the record must name. */
  code: string;
  /** Reads the index of the remembered parts (their details are read when needed). */
  parts: () => PartsIndex | undefined;
  env: Readonly<Record<string, string | undefined>>;
  now?: () => Date;
  workers: number;
}

export interface CommitRebuild {
  /** The judged plugins' load (its snapshot holds their manifests, as validated). */
  loaded: LoadedRegistry;
  /** Every finding: the record's for plugins not judged, this run's for the rest. */
  findings: Finding[];
  /** Absent when `findings` has errors (nothing is published). */
  model?: BuildModel;
  /** The plugins judged, and how many manifests they hold. */
  judged: { plugins: number; manifests: number };
  /** Manifests published in all. */
  manifests: number;
  /** The parts of the plugins judged (null: gone), to remember. */
  changed: Map<string, StoredParts | null>;
  /**
   * Every plugin's parts as they now are (the remembered ones as read), to rewrite the file;
   * undefined when the remembered ones cannot all be read back.
   */
  allParts: () => Map<string, StoredParts> | undefined;
  newest?: string;
}

/** The plugin a registry-relative path lies in, if any. */
function pluginOf(file: string): string | undefined {
  if (!file.startsWith(`${PLUGINS_DIR}/`)) return undefined;
  const name = file.slice(PLUGINS_DIR.length + 1).split("/")[0];
  return name === "" ? undefined : name;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * `run()`, or undefined when remembered parts it reads cannot be read back (DamagedParts): nothing
 * is written yet, so the caller judges the whole registry instead.
 */
function undamaged<T>(run: () => T): T | undefined {
  try {
    return run();
  } catch (error) {
    if (error instanceof DamagedParts) return undefined;
    throw error;
  }
}

/** The rebuild (see the module comment), or undefined when it cannot be vouched for. */
export async function rebuildFromCommit(input: CommitRebuildInput): Promise<CommitRebuild | undefined> {
  const { opened, record, code } = input;
  const { top, path } = opened.repository;
  const head = opened.source;
  if (record.code !== code || record.top !== top || record.registryPath !== path) return undefined;
  // Dates remembered from a history cut short are not the whole history's, nor are those a
  // shallow repository would give for the commits since (openRegistry asked git; undefined when
  // git could not say, taken as shallow).
  if (record.shallow) return undefined;
  const same = record.commit === opened.commit;
  if (!same && (opened.shallow !== false || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(record.commit)))
    return undefined;
  // Git runs while this thread reads the parts.
  const asked = same
    ? undefined
    : Promise.all([
        opened.at?.(record.commit).catch(() => undefined),
        gitChanges(top, record.commit, opened.commit, path).catch(() => undefined),
        readGitDates(top, `${record.commit}..${opened.commit}`, path),
        // It also says whether the head descends from the recorded commit.
        extendsHistory(top, record.commit, opened.commit),
      ]);
  const read = input.parts();
  if (read === undefined || read.sha256 !== record.partsSha256) {
    await asked;
    return undefined;
  }
  let base = head;
  let changes: FileChange[] = [];
  let range: { published: Map<string, string>; newest?: string } = { published: new Map() };
  if (asked) {
    const [at, changed, dates, extended] = await asked;
    if (!at || !changed || !dates || !extended) return undefined;
    base = at;
    changes = changed;
    range = dates;
  }
  // Every plugin's remembered parts as the record describes them: the file's, then what changed
  // since it was written (their summaries, entries and versions read only if needed).
  const cached = new Map<string, { parts: PluginParts; generatedAt?: string }>();
  const remember = (name: string, head: string, detail: () => string | undefined): boolean => {
    const parts = cachedParts(name, head, detail);
    if (parts !== undefined) cached.set(name, parts);
    return parts !== undefined;
  };
  for (const name of read.names())
    if (
      !Object.hasOwn(record.overlay, name) &&
      !remember(name, read.head(name) as string, () => read.detail(name))
    )
      return undefined;
  for (const [name, parts] of Object.entries(record.overlay)) {
    if (parts === null) continue;
    const tab = parts.indexOf("\t");
    if (tab === -1 || !remember(name, parts.slice(0, tab), () => parts.slice(tab + 1))) return undefined;
  }
  const newest = range.newest ?? record.newest;
  const generatedAt = generationTime(input.env, newest, input.now);
  // Besides the files changed: plugins with a file added between the commits (its publication
  // date is that addition's, even if its bytes are as they were) and plugins whose parts used the
  // generation time, which moved.
  const also = new Set<string>();
  for (const file of range.published.keys()) {
    const name = pluginOf(file);
    if (name !== undefined) also.add(name);
  }
  for (const [name, { generatedAt: used }] of cached)
    if (used !== undefined && used !== generatedAt) also.add(name);
  let dependents: Map<string, string[]> | undefined;
  const dependentsOf = (names: readonly string[]): string[] => {
    if (dependents === undefined) {
      dependents = new Map();
      for (const [name, { parts }] of cached)
        for (const dep of parts.dependencies) {
          const list = dependents.get(dep);
          if (list) list.push(name);
          else dependents.set(dep, [name]);
        }
    }
    return names.flatMap((n) => dependents?.get(n) ?? []);
  };
  const scope = await rebuildScope(path, changes, base, head, dependentsOf, [...also]);
  if (scope === undefined) return undefined;
  const judged = new Set(scope);

  const loaded = await loadRegistry(head, { keepManifests: true, only: scope });
  // The record's findings of the plugins not judged, then this run's (the registry's own findings,
  // config.json's and the layout's, are this run's too).
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const f of loaded.findings) {
    seen.add(findingKey(f));
    findings.push(f);
  }
  for (const f of record.findings) {
    const name = typeof f.file === "string" ? pluginOf(f.file) : undefined;
    if (name === undefined || judged.has(name) || seen.has(findingKey(f))) continue;
    findings.push(f);
  }
  const records = new Map((loaded.snapshot?.plugins ?? []).map((p) => [p.name, p]));
  const judgedManifests = [...records.values()].reduce((n, p) => n + p.versions.length, 0);
  const base0 = {
    loaded,
    findings,
    judged: { plugins: judged.size, manifests: judgedManifests },
    ...(newest !== undefined ? { newest } : {}),
  };
  if (!passes(findings) || !loaded.snapshot)
    return {
      ...base0,
      manifests: 0,
      changed: new Map(),
      allParts: () => new Map(),
    };
  const snapshot = loaded.snapshot;
  const baseUrl = snapshot.config.base_url;

  // Publication dates of the judged plugins' files: an addition between the commits, else the
  // date their parts remember; the whole history when one has neither (a version that was not
  // valid before, say).
  const rememberedDate = (name: string, version: string): string | undefined => {
    const v = cached.get(name)?.parts.versions.find((v) => v.version === version);
    // Only a date git gave: one the model fell back to is worked out again.
    return v?.fromGit ? v.published_at : undefined;
  };
  let publishedAt = new Map<string, string>();
  const complete = undamaged(() => {
    let all = true;
    for (const plugin of records.values())
      for (const v of plugin.versions) {
        const at = range.published.get(v.file) ?? rememberedDate(plugin.name, v.version);
        if (at === undefined) all = false;
        else publishedAt.set(v.file, at);
      }
    return all;
  });
  if (complete === undefined) return undefined;
  if (!complete) {
    const all = await readGitDates(top, opened.commit, path);
    if (all === undefined) return undefined;
    publishedAt = all.published;
  }
  const inputs = { publishedAt, generatedAt };

  const changed = new Map<string, StoredParts | null>();
  const plugins: (PluginModel | CachedPluginModel)[] = [];
  // A plugin not judged loads its manifests only when one of its documents must be rendered (its
  // group missing from the writer's state) or the site needs every document: from one load of the
  // whole commit, shared.
  let whole: Promise<Map<string, PluginRecord>> | undefined;
  const loadWhole = (): Promise<Map<string, PluginRecord>> => {
    whole ??= loadRegistry(head, { keepManifests: true, workers: input.workers }).then(
      (all) => new Map((all.snapshot?.plugins ?? []).map((p) => [p.name, p])),
    );
    return whole;
  };
  const names = [...new Set([...cached.keys(), ...records.keys()])].sort(byName);
  let manifests = 0;
  for (const name of names) {
    if (judged.has(name)) {
      const plugin = records.get(name);
      if (!plugin || plugin.versions.length === 0) {
        if (cached.has(name)) changed.set(name, null);
        continue;
      }
      const built = pluginModel(plugin, inputs, baseUrl);
      const key = partsKey(name, plugin.entry, plugin.versions, baseUrl, (f) => publishedAt.get(f));
      changed.set(
        name,
        storedParts(key, built.usesGenerationTime ? generatedAt : undefined, built.plugin.parts),
      );
      plugins.push(built.plugin);
      manifests += plugin.versions.length;
      continue;
    }
    const parts = cached.get(name)?.parts;
    if (parts === undefined) return undefined;
    manifests += parts.versionCount;
    plugins.push({
      name,
      parts,
      published: true,
      load: async () => {
        const plugin = (await loadWhole()).get(name);
        const dates = new Map(parts.versions.map((v) => [v.file, v.published_at]));
        const model = plugin && pluginModel(plugin, { publishedAt: dates, generatedAt }, baseUrl).plugin;
        if (model?.parts.key !== parts.key)
          throw new RegistryError(
            "INTERNAL_ERROR",
            `the remembered parts of ${name} do not match commit ${opened.commit.slice(0, 12)}: run build --full`,
          );
        return model;
      },
    });
  }
  // The versions of a plugin that could enter the releases feed are read back here.
  const model = undamaged(() => assembleModel(snapshot, inputs, plugins));
  if (model === undefined) return undefined;
  return {
    ...base0,
    model,
    manifests,
    changed,
    allParts: () => {
      const file = read.all();
      if (file === undefined) return undefined;
      // The file's parts, then the record's overlay, then this rebuild's (null: gone).
      const all = new Map(file);
      for (const [name, parts] of [...Object.entries(record.overlay), ...changed])
        if (parts === null) all.delete(name);
        else all.set(name, parts);
      return new Map([...all].sort(([a], [b]) => byName(a, b)));
    },
  };
}

/** A record's code: what judged (the validation code) and what rendered. */
export function recordCode(validation: string, rendering: string): string {
  return hash("sha256", `${validation}\0${rendering}`);
}
