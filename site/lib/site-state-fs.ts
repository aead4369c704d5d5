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
import { join } from "node:path";
import { kindOf, unsafeOutput } from "../../core/unsafe-output.ts";
import { pluginPageInputs, sharedPageInputs, viewOf } from "./model.ts";
import type { SiteModel } from "./model.types.ts";

/** The state file, beside the generator's `.finfocus-build-state`. */
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

/**
 * Every file under `dir` (relative, "/"-separated) with its size and modification time. `skip` is
 * asked of every folder and file (its relative path): a folder it skips is not read at all. In an
 * output folder (`output`), a symbolic link or a special file met is refused (UNSAFE_OUTPUT_PATH):
 * Astro and the site's own writes would follow it out of the folder (SECURITY.md B1); elsewhere it
 * is not listed.
 */
export function listFiles(
  dir: string,
  skip: (rel: string) => boolean = () => false,
  output = false,
): Map<string, [number, number]> {
  const files = new Map<string, [number, number]>();
  if (!existsSync(dir)) return files;
  const walk = (folder: string, prefix: string): void => {
    for (const e of readdirSync(folder, { withFileTypes: true })) {
      const rel = `${prefix}${e.name}`;
      if (skip(rel)) continue;
      const full = join(folder, e.name);
      if (e.isDirectory()) walk(full, `${rel}/`);
      else if (e.isFile()) {
        const s = statSync(full);
        files.set(rel, [s.size, s.mtimeMs]);
      } else if (output) throw unsafeOutput(full, kindOf(e), "a folder or a file");
    }
  };
  walk(dir, "");
  return files;
}

/** The key of a site build (see the module comment). `siteRoot` is the Astro project's folder. */
export function siteKey(model: SiteModel, base: string, site: string, siteRoot: string): string {
  return siteKeys(model, codeKey(base, site, siteRoot)).key;
}

/**
 * The key of a build whose caller gave a fingerprint of the model (BuildSiteOptions `pending`)
 * instead of the model: the site's code, base and origin ({@link codeKey}), and the fingerprint.
 */
export function fingerprintKey(fingerprint: string, code: string): string {
  return createHash("sha256").update(code).update(`\0fingerprint\0${fingerprint}`).digest("hex");
}

/**
 * The key of the site's code (every file of the Astro project, Astro's version), base and origin:
 * what every other key here starts from (read once per build).
 */
export function codeKey(base: string, site: string, siteRoot: string): string {
  const h = createHash("sha256").update(`${base}\0${site}\0`);
  const code = listFiles(siteRoot, (rel) => rel === ".astro" || rel === "node_modules");
  for (const rel of [...code.keys()].sort()) h.update(`${rel}\0`).update(readFileSync(join(siteRoot, rel)));
  try {
    h.update(readFileSync(join(siteRoot, "..", "node_modules", "astro", "package.json")));
  } catch {
    h.update("astro: not beside site/");
  }
  return h.digest("hex");
}

/** Every key a build records: the whole build's, the shared one and each plugin's pages'. `code`: {@link codeKey}. */
export function siteKeys(model: SiteModel, code: string): SiteKeys {
  const shared = createHash("sha256")
    .update(code)
    .update(JSON.stringify(sharedPageInputs(model)))
    .digest("hex");
  const view = viewOf(model);
  const plugins: Record<string, PluginPages> = {};
  // The whole build's key from its parts, each hashed once: the rest of the model (discovery,
  // index, feed) and each plugin's key (its document and manifests), in the model's order.
  const whole = createHash("sha256").update(code).update("\0");
  feed(whole, { ...model, plugins: [], manifests: {} }, 3);
  for (const plugin of model.plugins) {
    const h = createHash("sha256");
    feed(h, [plugin, model.manifests[plugin.name] ?? {}, pluginPageInputs(view, plugin)], 4);
    const key = h.digest("hex");
    plugins[plugin.name] = { key, versions: plugin.versions.map((v) => v.version) };
    whole.update(`${JSON.stringify(plugin.name)}:${key},`);
  }
  // Manifests under names no plugin document has: nothing renders them, yet the model holds them.
  const extra = Object.keys(model.manifests).filter((name) => !Object.hasOwn(plugins, name));
  if (extra.length > 0) feed(whole, Object.fromEntries(extra.map((n) => [n, model.manifests[n]])), 3);
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
  /**
   * What a listing of outDir before and after the build leaves unread: the state file, the
   * generator's API (`.well-known/`, the API root) and, in a partial build, the folders of the
   * plugins not rendered (their files are in `kept`).
   */
  skip: (rel: string) => boolean;
}

/** {@link SitePlan.skip} for an API under `apiRoot` ("api/v1/") and, when given, the plugins not rendered. */
function skipOf(apiRoot: string, notRendered: ReadonlySet<string> = new Set()): (rel: string) => boolean {
  const api = apiRoot.replace(/^\/+|\/+$/g, "");
  const apiFolder = api !== "" && !api.split("/").includes("..") ? api : undefined;
  return (rel) =>
    rel === SITE_STATE ||
    rel === ".well-known" ||
    rel === apiFolder ||
    (rel.startsWith("plugins/") && notRendered.has(rel.slice("plugins/".length)));
}

/**
 * Plans a build after the last one into `outDir`: pages of plugins (or versions) that are gone are
 * deleted; with the same shared key and every file of the last build still there at its size, only
 * the plugins whose page key changed are rendered, else every plugin. Without a usable state file
 * (none, another format, files missing or changed), a full build.
 */
export async function planSite(
  outDir: string,
  keys: SiteKeys,
  apiRoot: string,
  force = false,
): Promise<SitePlan> {
  const full = skipOf(apiRoot);
  const state = readState(outDir);
  if (!state) return { kept: {}, skip: full };
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
  if (force || state.shared !== keys.shared || !allThere(outDir, kept)) return { kept, skip: full };
  const render = new Set(
    Object.entries(keys.plugins)
      .filter(([name, now]) => state.plugins[name]?.key !== now.key)
      .map(([name]) => name),
  );
  const notRendered = new Set(Object.keys(keys.plugins).filter((name) => !render.has(name)));
  return { render, kept, skip: skipOf(apiRoot, notRendered) };
}

/** `plugins/<name>/[<version>/]index.html`, or undefined when a name or version could leave that folder. */
function pagePath(name: string, version?: string): string | undefined {
  const segment = (s: string) => /^[0-9A-Za-z][0-9A-Za-z.+-]*$/.test(s) && !s.includes("..");
  if (!segment(name) || (version !== undefined && !segment(version))) return undefined;
  return version === undefined ? `plugins/${name}/index.html` : `plugins/${name}/${version}/index.html`;
}

/**
 * Records a finished build: the files new or changed since `before` (a {@link listFiles} with the
 * plan's `skip`) and those kept from the last one: still there, or (a partial build) in the
 * folders of plugins not rendered, found there when the build was planned.
 */
export async function saveSiteState(
  outDir: string,
  keys: SiteKeys,
  counts: { searchBytes: number; pages: number },
  before: Map<string, [number, number]>,
  plan: SitePlan,
): Promise<void> {
  const files: Record<string, number> = {};
  const listed = listFiles(outDir, plan.skip, true);
  for (const [rel, [size, mtime]] of listed) {
    const old = before.get(rel);
    if (Object.hasOwn(plan.kept, rel) || !old || old[0] !== size || old[1] !== mtime) files[rel] = size;
  }
  if (plan.render) {
    for (const [rel, size] of Object.entries(plan.kept)) if (!listed.has(rel)) files[rel] = size;
  }
  const state: SiteState = { version: 2, ...keys, ...counts, files };
  await writeFile(join(outDir, SITE_STATE), `${JSON.stringify(state)}\n`);
}
