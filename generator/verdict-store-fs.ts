/**
 * The file that remembers validation verdicts between runs (core/validate/verdicts.ts decides what
 * a verdict depends on and whether one may be reused; this module only reads and writes it).
 * `build` keeps it beside its build state, `<out>/.finfocus-verdicts`; `validate` of a whole
 * registry keeps it in a cache folder (cli/commands/validate.ts). The file stamps
 * (core/registry/file-stamps.ts) are kept beside it the same way. A missing, unreadable or corrupt
 * file reads as empty; writing is best effort (a cache that cannot be written costs only time).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleHash } from "../core/code-version.ts";
import type { LoadedRegistry, LoadOptions } from "../core/registry/load-registry.ts";
import { createFile } from "./write-guard.ts";

/** The verdicts file of a build, beside `.finfocus-build-state`. */
export const VERDICTS_FILE = ".finfocus-verdicts";
/** Where builds before format 3 of the store kept it (removed when the store is written). */
const OLD_VERDICTS_FILE = ".finfocus-verdicts.json";
/** The verdicts' summaries and the file stamps of a build, beside its verdicts. */
export const SUMMARIES_FILE = ".finfocus-verdict-summaries";
export const STAMPS_FILE = ".finfocus-stamps";

/**
 * The project root, relative to this file. Not a literal in `new URL(…)`: the CLI bundle would take
 * it for a folder it uses (scripts/build-cli.ts), and the bundle never hashes sources.
 */
const PROJECT_ROOT = "../";
/** What judges a manifest when run from the sources: core (schemas' generated code, rules), the schemas, the locked dependencies. */
const SOURCES = ["core", "schemas", "package.json", "package-lock.json"];

let sourcesHash: string | undefined;

/**
 * The identity of the code that judges manifests: the bundle's hash, or, run from the sources, the
 * hash of the files that judge (hashed once per process). Both cover package.json, so the tool's
 * version is part of it; `version` adds another (tests stand in a new version with it).
 */
export function validationCode(version = ""): string {
  const bundle = bundleHash();
  if (bundle !== undefined) return `${version}\0bundle:${bundle}`;
  if (sourcesHash === undefined) {
    const root = fileURLToPath(new URL(PROJECT_ROOT, import.meta.url));
    const h = createHash("sha256");
    const files = SOURCES.flatMap((entry) =>
      entry.includes(".")
        ? [entry]
        : readdirSync(join(root, entry), { recursive: true, withFileTypes: true })
            .filter((e) => e.isFile())
            .map((e) => join(e.parentPath, e.name).slice(root.length)),
    ).sort();
    for (const file of files) h.update(`${file}\0`).update(readFileSync(join(root, file)));
    sourcesHash = h.digest("hex");
  }
  return `${version}\0sources:${sourcesHash}`;
}

/**
 * The files that remember a registry's validation between runs: the verdicts, their summaries
 * (core/validate/verdicts.ts) and the file stamps (core/registry/file-stamps.ts).
 */
export interface ValidationCache {
  verdicts: string;
  /** A file the cache once used, removed when the verdicts are written. */
  old?: string;
  summaries: string;
  stamps: string;
}

/** A build's cache, beside its build state in `outDir`. */
export function buildCache(outDir: string): ValidationCache {
  return {
    verdicts: join(outDir, VERDICTS_FILE),
    old: join(outDir, OLD_VERDICTS_FILE),
    summaries: join(outDir, SUMMARIES_FILE),
    stamps: join(outDir, STAMPS_FILE),
  };
}

/** A cache named by its verdicts file `<name>.verdicts`: `<name>.summaries` and `<name>.stamps` beside it. */
export function cacheBeside(verdictsFile: string): ValidationCache {
  const base = verdictsFile.replace(/\.verdicts$/, "");
  return {
    verdicts: verdictsFile,
    old: `${base}.json`,
    summaries: `${base}.summaries`,
    stamps: `${base}.stamps`,
  };
}

/**
 * What `loadRegistry` takes to use the cache (nothing of it when `fresh`: every manifest judged,
 * every file read, and what it finds remembered anew). The verdicts file is read only if needed.
 */
export function cacheOptions(
  cache: ValidationCache,
  code: string,
  fresh = false,
): Pick<LoadOptions, "verdicts" | "stamps"> {
  if (fresh)
    return { verdicts: { code, summaries: { previous: undefined } }, stamps: { previous: undefined } };
  return {
    verdicts: {
      code,
      previous: () => readBytes(cache.verdicts),
      summaries: { previous: readBytes(cache.summaries) },
    },
    stamps: { previous: readBytes(cache.stamps) },
  };
}

/**
 * Writes what changed of the cache after a load with `cacheOptions`: the summaries (a line per
 * plugin), the stamps (a line per file) unless `storeStamps` is false, and the verdicts when
 * `store` says so (a build rewrites several MB of verdicts or stamps only once enough are stale).
 */
export function saveCache(
  cache: ValidationCache,
  loaded: LoadedRegistry,
  store: boolean,
  storeStamps = true,
): void {
  if (store && loaded.verdictsChanged !== false && loaded.verdictsText) {
    replaceFile(cache.verdicts, loaded.verdictsText());
    if (cache.old) rmSync(cache.old, { force: true });
  }
  if (loaded.summaries?.changed) replaceFile(cache.summaries, loaded.summaries.text());
  if (storeStamps && loaded.stamps?.changed) replaceFile(cache.stamps, loaded.stamps.text());
}

function readBytes(file: string): Uint8Array | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes `text` to a temporary file renamed over `file`; a failure leaves `file` as it was. */
function replaceFile(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    // A new file: never written through a link planted at its name (write-guard.ts).
    createFile(tmp, text);
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}
