/**
 * The incremental writer: the only code that writes the API to disk. It writes a file only when
 * its bytes change, deletes the files of plugins and versions that are gone, and reports counts.
 *
 * It remembers what it wrote in `<out>/.finfocus-build-state.json` (path → sha256, and the
 * output's input key when it has one), so a rebuild compares hashes instead of reading every old
 * file, a copied manifest whose hash is known is not even read, and a document whose input key is
 * unchanged is not even rendered. The state is removed before the first write and rewritten after the last, so an
 * interrupted build leaves no state and the next one falls back to comparing file contents; a
 * build that changes nothing leaves it as it was.
 * Without state, only files under the generator's own prefixes (api/v1/, feeds/, the discovery
 * document) are candidates for deletion: a site built into the same folder is never touched.
 * The files themselves are created by a `FileWriter` (write-thread.ts): on a second thread too
 * when there are many, every one of them on disk before anything is deleted or the state written.
 */
import { hash as oneShotHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { OWNED_PREFIXES } from "../core/api/paths.ts";
import { RegistryError } from "../core/errors.ts";
import type { Output } from "./output.types.ts";
import { FileWriter } from "./write-thread.ts";

export const STATE_FILE = ".finfocus-build-state.json";

export interface WriteReport {
  written: string[];
  unchanged: number;
  deleted: string[];
  /** Every output path with its sha256, in output order (what a TUF targets file would list). */
  files: Map<string, string>;
}

interface State {
  version: 2;
  /** path → sha256 of the bytes written; */
  files: Record<string, string>;
  /** path → the output's input key, for outputs that have one. */
  keys: Record<string, string>;
}

export interface WriteOptions {
  /** Compare every file on disk instead of trusting the previous build's state. */
  ignoreState?: boolean;
}

interface Previous {
  files: Map<string, string>;
  keys: Map<string, string>;
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return oneShotHash("sha256", bytes);
}

function checkPath(path: string): void {
  const bad =
    path === "" ||
    path.startsWith("/") ||
    path.includes("\\") ||
    path.includes("\0") ||
    path.split("/").some((s) => s === "" || s === "." || s === "..");
  if (bad)
    throw new RegistryError("UNSAFE_OUTPUT_PATH", `refusing to write outside the output folder: ${path}`);
}

function readBuildState(outDir: string): Previous | undefined {
  try {
    const state = JSON.parse(readFileSync(join(outDir, STATE_FILE), "utf8")) as State;
    if (state.version !== 2 || typeof state.files !== "object" || typeof state.keys !== "object")
      return undefined;
    const strings = (o: Record<string, unknown>) =>
      new Map(Object.entries(o ?? {}).filter((e): e is [string, string] => typeof e[1] === "string"));
    return { files: strings(state.files), keys: strings(state.keys) };
  } catch {
    return undefined;
  }
}

function hashOnDisk(file: string): string | undefined {
  try {
    return sha256Hex(readFileSync(file));
  } catch {
    return undefined;
  }
}

/** Files under the generator's own prefixes (used when there is no state to trust). */
function ownedFiles(outDir: string): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(join(outDir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else found.push(child);
    }
  };
  for (const prefix of OWNED_PREFIXES) {
    if (prefix.endsWith("/")) walk(prefix.slice(0, -1));
    else found.push(prefix);
  }
  return found;
}

/** Removes now-empty folders from `rel`'s parent up to (not including) the output root. */
function pruneDirs(outDir: string, rel: string): void {
  let dir = dirname(rel);
  while (dir !== "." && dir !== "") {
    try {
      rmdirSync(join(outDir, dir));
    } catch {
      return;
    }
    dir = dirname(dir);
  }
}

/**
 * Writes `outputs` under `outDir` incrementally (see the module comment). `ignoreState` compares
 * every file's bytes on disk instead of trusting the state (after files were edited by hand).
 */
export async function writeTree(
  outDir: string,
  outputs: Iterable<Output>,
  options: WriteOptions = {},
): Promise<WriteReport> {
  const previous = options.ignoreState ? undefined : readBuildState(outDir);
  mkdirSync(outDir, { recursive: true });
  // The state goes before the first change on disk (an interrupted build leaves none); a build
  // that changes nothing and would record the same state leaves it as it is.
  let stateDropped = false;
  const dropState = (): void => {
    if (stateDropped) return;
    rmSync(join(outDir, STATE_FILE), { force: true });
    stateDropped = true;
  };
  if (!previous) dropState();
  // Without state, list our own files once: no failed open() per output in a fresh folder.
  const existing = previous ? undefined : new Set(ownedFiles(outDir));
  const report: WriteReport = { written: [], unchanged: 0, deleted: [], files: new Map() };
  const keys = new Map<string, string>();
  const writer = new FileWriter();
  try {
    for (const output of outputs) {
      checkPath(output.path);
      if (report.files.has(output.path))
        throw new RegistryError("DUPLICATE_OUTPUT", `two outputs for ${output.path}`);
      const before = previous
        ? previous.files.get(output.path)
        : existing?.has(output.path)
          ? hashOnDisk(join(outDir, output.path))
          : undefined;
      if (output.key !== undefined) keys.set(output.path, output.key);
      if (
        before !== undefined &&
        output.key !== undefined &&
        previous?.keys.get(output.path) === output.key
      ) {
        report.files.set(output.path, before);
        report.unchanged++;
        continue;
      }
      let bytes = typeof output.bytes === "function" ? undefined : output.bytes;
      let hash = output.sha256;
      if (hash === undefined || hash !== before) {
        bytes ??= await (output.bytes as () => Promise<Uint8Array | string>)();
        const produced = sha256Hex(bytes);
        // A copied manifest must be the file validated: one that changed since is not published.
        if (hash !== undefined && produced !== hash) {
          throw new RegistryError("IO_ERROR", `registry file changed during the build: ${output.path}`, {
            details: { file: output.path },
          });
        }
        hash = produced;
      }
      report.files.set(output.path, hash);
      if (hash === before) {
        report.unchanged++;
        continue;
      }
      dropState();
      writer.write(join(outDir, output.path), bytes!);
      report.written.push(output.path);
    }
    // Every file is on disk before anything is deleted and before the state is written.
    await writer.finish();
  } finally {
    await writer.close();
  }

  const stale = previous ? [...previous.files.keys()] : [...(existing ?? [])];
  for (const path of stale) {
    if (report.files.has(path) || path === STATE_FILE) continue;
    checkPath(path);
    dropState();
    rmSync(join(outDir, path), { force: true });
    report.deleted.push(path);
    pruneDirs(outDir, path);
  }

  if (
    !stateDropped &&
    previous &&
    sameEntries(report.files, previous.files) &&
    sameEntries(keys, previous.keys)
  )
    return report;
  dropState();
  const state: State = {
    version: 2,
    files: Object.fromEntries(report.files),
    keys: Object.fromEntries(keys),
  };
  const tmp = join(outDir, `${STATE_FILE}.tmp`);
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, join(outDir, STATE_FILE));
  return report;
}

function sameEntries(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
