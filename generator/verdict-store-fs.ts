/**
 * The file that remembers validation verdicts between runs (core/validate/verdicts.ts decides what
 * a verdict depends on and whether one may be reused; this module only reads and writes it).
 * `build` keeps it beside its build state, `<out>/.finfocus-verdicts.json`; `validate` of a whole
 * registry keeps it in a cache folder (cli/commands/validate.ts). The file stamps
 * (core/registry/file-stamps.ts) are kept beside it the same way. A missing, unreadable or corrupt
 * file reads as empty; writing is best effort (a cache that cannot be written costs only time).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleHash } from "../core/code-version.ts";
import { type VerdictStore, verdictStoreDocument } from "../core/validate/verdicts.ts";

/** The verdicts file of a build, beside `.finfocus-build-state.json`. */
export const VERDICTS_FILE = ".finfocus-verdicts.json";
/** The file stamps of a build (core/registry/file-stamps.ts), beside its verdicts. */
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

/** The stored verdicts as parsed JSON (untrusted), or undefined when there are none to read. */
export function readVerdicts(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** The stored file stamps' bytes (untrusted), or undefined when there are none to read. */
export function readStampsFile(file: string): Uint8Array | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Replaces the stored file stamps (never half-written, best effort, as the verdicts). */
export function writeStampsFile(file: string, text: string): void {
  replaceFile(file, text);
}

/** Replaces the stored verdicts (a temporary file renamed over the old one: never half-written). */
export function writeVerdicts(file: string, verdicts: VerdictStore): void {
  replaceFile(file, JSON.stringify(verdictStoreDocument(verdicts)));
}

/** Writes `text` to a temporary file renamed over `file`; a failure leaves `file` as it was. */
function replaceFile(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}
