/**
 * What the site renders: the generator's API documents (core/api/api.types.ts), gathered in memory.
 * The site never parses a registry itself; it reads these documents only.
 */

import type { DiscoveryDocument, PluginDocument, PluginIndexDocument } from "../../core/api/api.types.ts";
import type { Manifest } from "../../core/manifest.types.ts";

export interface SiteModel {
  discovery: DiscoveryDocument;
  index: PluginIndexDocument;
  /** One document per plugin, in any order. */
  plugins: PluginDocument[];
  /** Every version's manifest as merged: plugin name → version → manifest. */
  manifests: Record<string, Record<string, Manifest>>;
  /** Site-relative path of the registry-wide Atom feed of releases, when the generator writes one. */
  releasesFeed?: string;
}

/**
 * The generator's model (`ApiModel` in generator/model.types.ts), as far as the site reads it.
 * Structural, so the generator can pass its model straight in: `site: buildSite`.
 */
export interface GeneratorModel {
  discovery: DiscoveryDocument;
  index: PluginIndexDocument;
  plugins: readonly {
    document: PluginDocument;
    versions: readonly { version: string; manifest: Manifest }[];
  }[];
  /** The newest releases across the registry (the generator's feeds/releases.xml). */
  releases?: readonly unknown[];
}

/** Options of {@link buildSite}: give either a model in memory or the folder holding the API. */
export interface BuildSiteOptions {
  /** The documents in memory: the generator's model (`buildModel`) or a {@link SiteModel}. */
  model?: SiteModel | GeneratorModel;
  /**
   * Instead of `model`: a key of everything the model holds (the generator's, from its plugins'
   * input keys), the registry's base URL, and how to get the model, loaded only when the pages
   * must be built again.
   */
  pending?: { fingerprint: string; baseUrl: string; load: () => Promise<SiteModel | GeneratorModel> };
  /** A folder holding `.well-known/finfocus-registry.json` and `api/v1/…` (the generator's output). */
  apiDir?: string;
  /** Where the HTML lands; usually the same folder as the API. */
  outDir: string;
  /** URL path the site is served under, e.g. "/" or "/registry/" (a GitHub Pages project site). */
  base?: string;
  /** Absolute origin + base for the sitemap and feeds; defaults to the discovery document's base_url. */
  site?: string;
  /** Print Astro's build log (default: warnings only). */
  verbose?: boolean;
  /** Build even when nothing the pages are made from changed since the last build into outDir. */
  force?: boolean;
}

export interface BuildSiteResult {
  /** HTML pages written. */
  pages: number;
  /** Bytes of the search index files written. */
  searchBytes: number;
  /** True when the build was skipped: its inputs and outputs were as the last build left them. */
  skipped: boolean;
  /**
   * Present when only some plugins' pages were rendered (the rest were as the last build left
   * them): how many plugins were. The pages that list plugins are rendered at every build.
   */
  partial?: { plugins: number };
}
