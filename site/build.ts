/**
 * The site's one entry point: renders the registry website with Astro into the folder that holds
 * the static API, so one folder deploys both. The generator's `build` command calls this.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { MODEL_KEY, ONLY_KEY, pageCount, toSiteModel } from "./lib/model.ts";
import type { BuildSiteOptions, BuildSiteResult, SiteModel } from "./lib/model.types.ts";
import { loadModel } from "./lib/model-fs.ts";
import { writeSearchIndex } from "./lib/search-index-fs.ts";
import {
  codeKey,
  fingerprintKey,
  listFiles,
  planSite,
  SITE_STATE,
  saveSiteState,
  siteKeys,
  unchangedSite,
} from "./lib/site-state-fs.ts";
import { sitemapFiles } from "./lib/sitemap.ts";

export type { BuildSiteOptions, BuildSiteResult, GeneratorModel, SiteModel } from "./lib/model.types.ts";

const SITE_ROOT = fileURLToPath(new URL("./", import.meta.url));

/** "/registry" and "registry/" → "/registry/"; "" → "/". */
export function normalizeBase(base = "/"): string {
  const trimmed = base.replace(/^\/+|\/+$/g, "");
  return trimmed === "" ? "/" : `/${trimmed}/`;
}

// Builds in one process run one at a time: the model is handed over in a global and the working
// directory is switched for the duration of Astro's build.
let queue: Promise<unknown> = Promise.resolve();

/**
 * Builds the site from the generator's model (or from the API documents in `apiDir`) into
 * `outDir`, under the URL path `base`. Files already in `outDir` (the API) are kept.
 */
export function buildSite(options: BuildSiteOptions): Promise<BuildSiteResult> {
  const run = queue.then(() => buildOnce(options));
  queue = run.catch(() => undefined);
  return run;
}

async function buildOnce(options: BuildSiteOptions): Promise<BuildSiteResult> {
  const { pending } = options;
  let model: SiteModel | undefined;
  if (options.model) model = toSiteModel(options.model);
  else if (options.apiDir) model = await loadModel(options.apiDir);
  else if (!pending) throw new TypeError("buildSite needs `model`, `pending` or `apiDir`");
  const outDir = resolve(options.outDir);
  const base = normalizeBase(options.base);
  const site = options.site ?? model?.discovery.base_url ?? (pending?.baseUrl as string);
  const code = codeKey(base, site, SITE_ROOT);
  // A pending model is keyed by its fingerprint: unchanged, its build is skipped without loading it.
  const pendingKey = model || !pending ? undefined : fingerprintKey(pending.fingerprint, code);
  if (pending && pendingKey !== undefined) {
    const unchanged = options.force ? undefined : unchangedSite(outDir, pendingKey);
    if (unchanged?.pages !== undefined)
      return { pages: unchanged.pages, searchBytes: unchanged.searchBytes, skipped: true };
    model = toSiteModel(await pending.load());
  }
  if (!model) throw new TypeError("buildSite needs `model`, `pending` or `apiDir`");
  // Nothing the pages are made from changed and they are all still there: skip Astro.
  const keys = siteKeys(model, code);
  if (pendingKey !== undefined) keys.key = pendingKey;
  const unchanged = options.force ? undefined : unchangedSite(outDir, keys.key);
  if (unchanged) return { pages: pageCount(model), searchBytes: unchanged.searchBytes, skipped: true };
  // Only the plugins whose pages changed, when the rest is as the last build left it.
  const plan = await planSite(outDir, keys, model.discovery.api_root, options.force);
  await rm(join(outDir, SITE_STATE), { force: true });
  // Before Astro writes anything: a link or special file below the output folder is refused.
  const before = listFiles(outDir, plan.skip, true);
  process.env.ASTRO_TELEMETRY_DISABLED = "1";
  const { build } = await import("astro");
  const slot = globalThis as unknown as Record<symbol, unknown>;
  slot[MODEL_KEY] = model;
  if (plan.render) slot[ONLY_KEY] = plan.render;
  // Astro puts its prerender bundle in <outDir>/.prerender when outDir is under the working
  // directory (a string prefix test), else in <cwd>/.astro. It must sit inside this repository to
  // resolve astro's dependencies, and apart from any other build running at the same time, so
  // build from a fresh folder under site/.astro/builds/.
  const cwd = process.cwd();
  const builds = join(SITE_ROOT, ".astro", "builds");
  await mkdir(builds, { recursive: true });
  const work = await mkdtemp(join(builds, "b-"));
  process.chdir(work);
  try {
    await build({
      root: SITE_ROOT,
      configFile: false,
      outDir,
      base,
      site: new URL(site).origin,
      trailingSlash: "ignore",
      build: { format: "directory" },
      cacheDir: join(work, "cache"),
      logLevel: options.verbose ? "info" : "warn",
      devToolbar: { enabled: false },
      prefetch: false,
      vite: { build: { emptyOutDir: false }, logLevel: options.verbose ? "info" : "warn" },
    });
  } finally {
    process.chdir(cwd);
    delete slot[MODEL_KEY];
    delete slot[ONLY_KEY];
    await rm(work, { recursive: true, force: true });
  }
  const searchBytes = await writeSearchIndex(model, outDir);
  for (const file of sitemapFiles(model, new URL(base, site).href)) {
    await mkdir(join(outDir, file.path, ".."), { recursive: true });
    await writeFile(join(outDir, file.path), file.text);
  }
  await saveSiteState(outDir, keys, { searchBytes, pages: pageCount(model) }, before, plan);
  return {
    pages: pageCount(model, plan.render),
    searchBytes,
    skipped: false,
    ...(plan.render ? { partial: { plugins: plan.render.size } } : {}),
  };
}
