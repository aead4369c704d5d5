/**
 * Skipping a site build whose inputs did not change. The key is a sha256 of everything the pages
 * are rendered from: the site model, the base path and origin, every file of the Astro project
 * (pages, components, styles, the build code) and Astro's version. After a build, the key and the
 * files the build wrote (path and size) go to `<outDir>/.finfocus-site-state.json`; a build with
 * the same key whose files are all still there, at those sizes, is skipped.
 */
import { createHash, type Hash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { SiteModel } from "./model.types.ts";

/** The state file, beside the generator's `.finfocus-build-state.json`. */
export const SITE_STATE = ".finfocus-site-state.json";

interface SiteState {
  version: 1;
  key: string;
  searchBytes: number;
  /** HTML pages the build wrote. */
  pages: number;
  /** Every file the site build wrote, relative to outDir with "/", and its size. */
  files: Record<string, number>;
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

/**
 * The key of a site build (see the module comment). `siteRoot` is the Astro project's folder.
 * `model` may be a fingerprint of it its caller computed (BuildSiteOptions `pending`).
 */
export function siteKey(
  model: SiteModel | { fingerprint: string },
  base: string,
  site: string,
  siteRoot: string,
): string {
  const h = createHash("sha256").update(`${base}\0${site}\0`);
  const code = listFiles(siteRoot, (rel) => rel.startsWith(".astro/") || rel.startsWith("node_modules/"));
  for (const rel of [...code.keys()].sort()) h.update(`${rel}\0`).update(readFileSync(join(siteRoot, rel)));
  try {
    h.update(readFileSync(join(siteRoot, "..", "node_modules", "astro", "package.json")));
  } catch {
    h.update("astro: not beside site/");
  }
  h.update("\0");
  if ("fingerprint" in model) h.update(`fingerprint\0${model.fingerprint}`);
  else feed(h, model, 3);
  return h.digest("hex");
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

/** The previous build's result when its key is `key` and every file it wrote is still there. */
export function unchangedSite(
  outDir: string,
  key: string,
): { searchBytes: number; pages: number } | undefined {
  let state: SiteState;
  try {
    state = JSON.parse(readFileSync(join(outDir, SITE_STATE), "utf8")) as SiteState;
  } catch {
    return undefined;
  }
  if (state.version !== 1 || state.key !== key || typeof state.pages !== "number") return undefined;
  for (const [rel, size] of Object.entries(state.files)) {
    try {
      if (statSync(join(outDir, rel)).size !== size) return undefined;
    } catch {
      return undefined;
    }
  }
  return { searchBytes: state.searchBytes, pages: state.pages };
}

/** Records a finished build: the files that are new or changed since `before` (a {@link listFiles}). */
export async function saveSiteState(
  outDir: string,
  key: string,
  counts: { searchBytes: number; pages: number },
  before: Map<string, [number, number]>,
): Promise<void> {
  const files: Record<string, number> = {};
  for (const [rel, [size, mtime]] of listFiles(outDir, (r) => r === SITE_STATE)) {
    const old = before.get(rel);
    if (!old || old[0] !== size || old[1] !== mtime) files[rel] = size;
  }
  const state: SiteState = { version: 1, key, ...counts, files };
  await writeFile(join(outDir, SITE_STATE), `${JSON.stringify(state)}\n`);
}
