/**
 * Skipping a site build whose inputs did not change, and rendering only the plugins whose pages
 * changed. The key is a sha256 of everything the pages are rendered from: the site model, the base
 * path and origin, every file of the Astro project (pages, components, styles, the build code) and
 * Astro's version. After a build, the key, the shared key (everything but the plugins: the code,
 * base, origin and what every page's layout reads), each plugin's page key (its document, its
 * manifests and what its pages read of other plugins: site/lib/model.ts `pluginPageInputs`) and
 * the files the build wrote (path and size) go to `<outDir>/.finfocus-site-state.json`. A build
 * with the same key whose files are all still there, at those sizes, is skipped; one with the same
 * shared key renders only the plugins whose page key changed (plus the pages that list plugins).
 */
import { createHash, type Hash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { rm, rmdir, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { pluginPageInputs, sharedPageInputs, viewOf } from "./model.ts";
import type { SiteModel } from "./model.types.ts";

/** The state file, beside the generator's `.finfocus-build-state.json`. */
export const SITE_STATE = ".finfocus-site-state.json";

/** A plugin's pages as the last build rendered them: their key and the versions that have a page. */
export interface PluginPages {
  key: string;
  versions: string[];
}

interface SiteState {
  version: 2;
  key: string;
  shared: string;
  plugins: Record<string, PluginPages>;
  searchBytes: number;
  /** HTML pages of the site (all of them, rendered by this build or kept from the last). */
  pages?: number;
  /** Every file the site build wrote, relative to outDir with "/", and its size. */
  files: Record<string, number>;
}

/** What a build records in the state file, besides the files it wrote. */
export interface SiteKeys {
  key: string;
  shared: string;
  plugins: Record<string, PluginPages>;
}

/** Every file under `dir` (relative, "/"-separated) with its size and modification time. */
export function listFiles(
  dir: string,
  skip: (name: string) => boolean = () => false,
): Map<string, [number, number]> {
  const files = new Map<string, [number, number]>();
  if (!existsSync(dir)) return files;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    const rel = relative(dir, full).split(sep).join("/");
    if (skip(rel)) continue;
    const s = statSync(full);
    files.set(rel, [s.size, s.mtimeMs]);
  }
  return files;
}

/** The key of a site build (see the module comment). `siteRoot` is the Astro project's folder. */
export function siteKey(model: SiteModel, base: string, site: string, siteRoot: string): string {
  const h = createHash("sha256")
    .update(codeKey(base, site, siteRoot))
    .update("\0");
  feed(h, model, 3);
  return h.digest("hex");
}

/**
 * The key of a build whose caller gave a fingerprint of the model (BuildSiteOptions `pending`)
 * instead of the model: the site's code, base and origin, and the fingerprint.
 */
export function fingerprintKey(fingerprint: string, base: string, site: string, siteRoot: string): string {
  return createHash("sha256")
    .update(codeKey(base, site, siteRoot))
    .update(`\0fingerprint\0${fingerprint}`)
    .digest("hex");
}

/** The key of the site's code (every file of the Astro project, Astro's version), base and origin. */
function codeKey(base: string, site: string, siteRoot: string): string {
  const h = createHash("sha256").update(`${base}\0${site}\0`);
  const code = listFiles(siteRoot, (rel) => rel.startsWith(".astro/") || rel.startsWith("node_modules/"));
  for (const rel of [...code.keys()].sort()) h.update(`${rel}\0`).update(readFileSync(join(siteRoot, rel)));
  try {
    h.update(readFileSync(join(siteRoot, "..", "node_modules", "astro", "package.json")));
  } catch {
    h.update("astro: not beside site/");
  }
  return h.digest("hex");
}

/** Every key a build records: the whole build's, the shared one and each plugin's pages'. */
export function siteKeys(model: SiteModel, base: string, site: string, siteRoot: string): SiteKeys {
  const code = codeKey(base, site, siteRoot);
  const whole = createHash("sha256").update(code).update("\0");
  feed(whole, model, 3);
  const shared = createHash("sha256")
    .update(code)
    .update(JSON.stringify(sharedPageInputs(model)))
    .digest("hex");
  const view = viewOf(model);
  const plugins: Record<string, PluginPages> = {};
  for (const plugin of model.plugins) {
    const h = createHash("sha256");
    feed(h, [plugin, model.manifests[plugin.name] ?? {}, pluginPageInputs(view, plugin)], 4);
    plugins[plugin.name] = { key: h.digest("hex"), versions: plugin.versions.map((v) => v.version) };
  }
  return { key: whole.digest("hex"), shared, plugins };
}

/** Hashes `value` as JSON, a part at a time down to `depth` (no one string of the whole model). */
function feed(h: Hash, value: unknown, depth: number): void {
  if (depth === 0 || value === null || typeof value !== "object") {
    h.update(JSON.stringify(value) ?? "undefined");
    return;
  }
  h.update(Array.isArray(value) ? "[" : "{");
  for (const [k, v] of Object.entries(value)) {
    h.update(`${JSON.stringify(k)}:`);
    feed(h, v, depth - 1);
    h.update(",");
  }
  h.update(Array.isArray(value) ? "]" : "}");
}

/** The state the last build left, when it is one this code wrote. */
function readState(outDir: string): SiteState | undefined {
  try {
    const state = JSON.parse(readFileSync(join(outDir, SITE_STATE), "utf8")) as SiteState;
    return state.version === 2 && typeof state.files === "object" && typeof state.plugins === "object"
      ? state
      : undefined;
  } catch {
    return undefined;
  }
}

/** Whether every file of `files` is in `outDir` at its recorded size. */
function allThere(outDir: string, files: Record<string, number>): boolean {
  for (const [rel, size] of Object.entries(files)) {
    try {
      if (statSync(join(outDir, rel)).size !== size) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** The previous build's result when its key is `key` and every file it wrote is still there. */
export function unchangedSite(
  outDir: string,
  key: string,
): { searchBytes: number; pages?: number } | undefined {
  const state = readState(outDir);
  if (!state || state.key !== key || !allThere(outDir, state.files)) return undefined;
  return {
    searchBytes: state.searchBytes,
    ...(typeof state.pages === "number" ? { pages: state.pages } : {}),
  };
}

/** What a build renders, and what it leaves to the last build. */
export interface SitePlan {
  /** The plugins whose pages are rendered; undefined: every plugin (a full build). */
  render?: ReadonlySet<string>;
  /** Files of the last build this one keeps (recorded again in the state). */
  kept: Record<string, number>;
}

/**
 * Plans a build after the last one into `outDir`: pages of plugins (or versions) that are gone are
 * deleted; with the same shared key and every file of the last build still there at its size, only
 * the plugins whose page key changed are rendered, else every plugin. Without a usable state file
 * (none, another format, files missing or changed), a full build.
 */
export async function planSite(outDir: string, keys: SiteKeys, force = false): Promise<SitePlan> {
  const state = readState(outDir);
  if (!state) return { kept: {} };
  const kept = { ...state.files };
  // Pages whose plugin or version is gone: delete them (a full build would leave them behind).
  for (const [name, before] of Object.entries(state.plugins)) {
    const now = new Set(keys.plugins[name]?.versions ?? []);
    const gone = (before.versions ?? []).filter((v) => !now.has(v)).map((v) => pagePath(name, v));
    if (!Object.hasOwn(keys.plugins, name)) gone.push(pagePath(name));
    for (const rel of gone) {
      // Only a page the last build wrote, at a path a page can have (the state file is not trusted).
      if (rel === undefined || !Object.hasOwn(kept, rel)) continue;
      delete kept[rel];
      await rm(join(outDir, rel), { force: true });
      await rmdir(join(outDir, rel, "..")).catch(() => undefined); // only when empty
    }
    if (!Object.hasOwn(keys.plugins, name) && pagePath(name) !== undefined)
      await rmdir(join(outDir, "plugins", name)).catch(() => undefined);
  }
  if (force || state.shared !== keys.shared || !allThere(outDir, kept)) return { kept };
  const render = new Set(
    Object.entries(keys.plugins)
      .filter(([name, now]) => state.plugins[name]?.key !== now.key)
      .map(([name]) => name),
  );
  return { render, kept };
}

/** `plugins/<name>/[<version>/]index.html`, or undefined when a name or version could leave that folder. */
function pagePath(name: string, version?: string): string | undefined {
  const segment = (s: string) => /^[0-9A-Za-z][0-9A-Za-z.+-]*$/.test(s) && !s.includes("..");
  if (!segment(name) || (version !== undefined && !segment(version))) return undefined;
  return version === undefined ? `plugins/${name}/index.html` : `plugins/${name}/${version}/index.html`;
}

/** Records a finished build: the files kept from the last one and those new or changed since `before`. */
export async function saveSiteState(
  outDir: string,
  keys: SiteKeys,
  counts: { searchBytes: number; pages: number },
  before: Map<string, [number, number]>,
  kept: Record<string, number>,
): Promise<void> {
  const files: Record<string, number> = {};
  for (const [rel, [size, mtime]] of listFiles(outDir, (r) => r === SITE_STATE)) {
    const old = before.get(rel);
    if (Object.hasOwn(kept, rel) || !old || old[0] !== size || old[1] !== mtime) files[rel] = size;
  }
  const state: SiteState = { version: 2, ...keys, ...counts, files };
  await writeFile(join(outDir, SITE_STATE), `${JSON.stringify(state)}\n`);
}
