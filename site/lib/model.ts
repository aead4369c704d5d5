/**
 * Hands the model from {@link buildSite} to the Astro pages (same process), and derives the views
 * the pages share: lookups by name, dependents, newest releases, page counts.
 */

import type { PluginDocument, PluginSummary, VersionSummary } from "../../core/api/api.types.ts";
import type { Manifest } from "../../core/manifest.types.ts";
import type { GeneratorModel, SiteModel } from "./model.types.ts";

/** Where buildSite parks the model while Astro renders. */
export const MODEL_KEY: unique symbol = Symbol.for("finfocus.registry.site.model") as never;

/** Plugins listed per page on /plugins/ and its numbered pages. */
export const LIST_PAGE_SIZE = 50;

export interface SiteView {
  model: SiteModel;
  summaries: PluginSummary[];
  byName: Map<string, PluginDocument>;
  summaryByName: Map<string, PluginSummary>;
  /** plugin name → names of plugins that depend on it (latest versions). */
  dependents: Map<string, string[]>;
  /** Most recent releases across the registry, newest first. */
  newest: { name: string; version: VersionSummary; summary: PluginSummary }[];
  manifest(name: string, version: string): Manifest | undefined;
}

/** Where the generator writes the registry-wide releases feed (generator/paths.ts RELEASES_FEED_PATH). */
export const GENERATOR_RELEASES_FEED = "feeds/releases.xml";

/** Accepts either model shape; the generator's is regrouped without copying documents. */
export function toSiteModel(model: SiteModel | GeneratorModel): SiteModel {
  if ("manifests" in model) return model;
  const manifests: SiteModel["manifests"] = {};
  for (const p of model.plugins) {
    manifests[p.document.name] = Object.fromEntries(p.versions.map((v) => [v.version, v.manifest]));
  }
  const site: SiteModel = {
    discovery: model.discovery,
    index: model.index,
    plugins: model.plugins.map((p) => p.document),
    manifests,
  };
  if (model.releases) site.releasesFeed = GENERATOR_RELEASES_FEED;
  return site;
}

const views = new WeakMap<SiteModel, SiteView>();

/** The model being rendered, with its derived views (computed once per build). */
export function currentView(): SiteView {
  const model = (globalThis as unknown as Record<symbol, SiteModel | undefined>)[MODEL_KEY];
  if (!model) {
    throw new Error("No site model: build the site through site/build.ts (buildSite), not `astro build`.");
  }
  return viewOf(model);
}

export function viewOf(model: SiteModel): SiteView {
  const cached = views.get(model);
  if (cached) return cached;
  const summaries = [...model.index.plugins].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const byName = new Map(model.plugins.map((p) => [p.name, p]));
  const summaryByName = new Map(summaries.map((s) => [s.name, s]));
  const dependents = new Map<string, string[]>();
  for (const p of model.plugins) {
    for (const dep of p.latest.requirements?.dependencies ?? []) {
      const list = dependents.get(dep.name) ?? [];
      list.push(p.name);
      dependents.set(dep.name, list);
    }
  }
  const releases: SiteView["newest"] = [];
  for (const p of model.plugins) {
    const summary = summaryByName.get(p.name);
    if (!summary) continue;
    for (const version of p.versions) {
      if (!version.yanked) releases.push({ name: p.name, version, summary });
    }
  }
  releases.sort((a, b) => (a.version.published_at < b.version.published_at ? 1 : -1));
  const view: SiteView = {
    model,
    summaries,
    byName,
    summaryByName,
    dependents,
    newest: releases.slice(0, 8),
    manifest: (name, version) => model.manifests[name]?.[version],
  };
  views.set(model, view);
  return view;
}

/**
 * What a plugin's own pages (`plugins/<name>/` and each version's) read of the rest of the
 * registry, besides its document and manifests: its index entry, who depends on it, and which of
 * its dependencies the registry has. The pages take these from here and nowhere else, so a partial
 * build (site/lib/site-state-fs.ts) that keys each plugin's pages on exactly this cannot miss a
 * change another plugin makes to them.
 */
export interface PluginPageInputs {
  summary: PluginSummary | undefined;
  dependents: string[];
  /** The latest manifest's dependencies that are plugins of this registry (linked, not just named). */
  knownDependencies: string[];
}

export function pluginPageInputs(view: SiteView, plugin: PluginDocument): PluginPageInputs {
  return {
    summary: view.summaryByName.get(plugin.name),
    dependents: view.dependents.get(plugin.name) ?? [],
    knownDependencies: (plugin.latest.requirements?.dependencies ?? [])
      .map((d) => d.name)
      .filter((name) => view.byName.has(name)),
  };
}

/** What every page's layout reads of the registry (Base.astro): a change renders every page. */
export function sharedPageInputs(model: SiteModel): { registry_name: string } {
  return { registry_name: model.discovery.registry_name };
}

/** Where buildSite says which plugins' pages this build renders (absent: every plugin's). */
export const ONLY_KEY: unique symbol = Symbol.for("finfocus.registry.site.only") as never;

/** The plugins whose pages this build renders: all, or those a partial build names. */
export function renderedPlugins(view: SiteView): PluginDocument[] {
  const only = (globalThis as unknown as Record<symbol, ReadonlySet<string> | undefined>)[ONLY_KEY];
  return only ? view.model.plugins.filter((p) => only.has(p.name)) : view.model.plugins;
}

/** HTML pages one build writes: home, list pages, publish, API, 404, plugin and version pages (of `only`'s plugins when given). */
export function pageCount(model: SiteModel, only?: ReadonlySet<string>): number {
  const lists = Math.max(1, Math.ceil(model.index.plugins.length / LIST_PAGE_SIZE));
  const plugins = only ? model.plugins.filter((p) => only.has(p.name)) : model.plugins;
  const versions = plugins.reduce((n, p) => n + p.versions.length, 0);
  return 4 + lists + plugins.length + versions;
}
