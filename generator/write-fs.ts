/**
 * The incremental writer: the only code that writes the API to disk. It writes a file only when
 * its bytes change, deletes the files of plugins and versions that are gone, and reports counts.
 *
 * It remembers what it wrote in `<out>/.finfocus-build-state` (build-state.ts: one line per
 * group of outputs, or per output outside a group, with its input key and each path's sha256), so
 * a rebuild compares hashes instead of reading every old file, a copied manifest whose hash is
 * known is not even read, an output whose input key is unchanged is not even rendered, and a group
 * whose key is unchanged (a plugin none of whose inputs changed) is not even listed: its line is
 * kept as the bytes it was read as. An output that can be made from the bytes the previous build
 * wrote at its path (`Output.update`: the registry-wide lists of a rebuild) gets them, read without
 * following a link and only when they hash to what the state records. A rebuild so costs what
 * changed, not what the registry holds. The state is trusted: a file of an unchanged group deleted
 * or edited by hand stays so until a build with `ignoreState` (`build --full`) compares every file
 * on disk.
 * The state is removed before the first write and rewritten after the last, so an
 * interrupted build leaves no state and the next one falls back to comparing file contents; a
 * build that changes nothing leaves it as it was. A state of another format or cut short is no
 * state (an older version's, `.finfocus-build-state.json`, is removed with it).
 * Without state, only files under the generator's own prefixes (api/v1/, feeds/, the discovery
 * document) are candidates for deletion: a site built into the same folder is never touched.
 * The files themselves are created by a `FileWriter` (write-thread.ts): on a second thread too
 * when there are many, every one of them on disk before anything is deleted or the state written.
 * A build into an empty folder hands it the manifests it validated before the rest is rendered
 * (`writeAhead`), so their files are created on the other core while the model is built.
 * Nothing is written, renamed or deleted through a symbolic link below the output folder
 * (write-guard.ts): a link (or a special file) where a folder or a file goes is refused, and
 * without state one under the generator's prefixes is refused before the first write.
 */
import { createHash, hash as oneShotHash } from "node:crypto";
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { OWNED_PREFIXES } from "../core/api/paths.ts";
import { RegistryError } from "../core/errors.ts";
import { breaksLine } from "../core/keyed-lines.ts";
import {
  filesOf,
  lineValue,
  ownerIndex,
  parseValue,
  readStateLines,
  type StateLines,
  StateWriter,
  stalePaths,
} from "./build-state.ts";
import type { Output, OutputGroup, Pieces } from "./output.types.ts";
import { createFile, fileThere, OutputFolders, removeFile } from "./write-guard.ts";
import { FileWriter } from "./write-thread.ts";

export const STATE_FILE = ".finfocus-build-state";
/** Where versions before the state in lines kept it (JSON): removed with the state. */
const OLD_STATE_FILE = ".finfocus-build-state.json";

export interface WriteReport {
  written: string[];
  unchanged: number;
  deleted: string[];
  /**
   * Every output path with its sha256, in output order (what a TUF targets file lists): read from
   * the state when first asked, so a build that does not need it does not pay for it.
   */
  readonly files: ReadonlyMap<string, string>;
}

export interface WriteOptions {
  /** Compare every file on disk instead of trusting the previous build's state. */
  ignoreState?: boolean;
  /** Files already handed to the writer (`writeAhead`): taken as written when the outputs list them. */
  ahead?: WrittenAhead;
}

/** A file to write ahead of the others: its bytes and their sha256 (see `writeAhead`). */
export interface AheadFile {
  path: string;
  bytes: Uint8Array;
  sha256: string;
}

/** Files being written ahead into an output folder, for `writeTree` to finish (see `writeAhead`). */
export interface WrittenAhead {
  /** The output folder's realpath. */
  readonly root: string;
  /** Their sha256, by path. */
  readonly files: ReadonlyMap<string, string>;
  readonly writer: FileWriter;
  /** Stops the writer when no `writeTree` will finish it (the build failed before writing). */
  close(): Promise<void>;
}

/**
 * Starts writing `files` into `outDir` while the caller goes on (a build writes the manifests it
 * validated while it builds its model on the other core), when `outDir` holds none of the
 * generator's files and no state: then every output is written anyway, and nothing is compared.
 * Undefined otherwise (a rebuild writes what changed). `writeTree` must be given the result: the
 * files it lists with the same sha256 are taken as written, the others are deleted as stale, and
 * every one is on disk when it returns. A link under the generator's prefixes is refused here, as
 * `writeTree` would before its first write.
 */
export function writeAhead(outDir: string, files: Iterable<AheadFile>): WrittenAhead | undefined {
  mkdirSync(outDir, { recursive: true });
  const root = realpathSync(outDir);
  for (const state of [STATE_FILE, OLD_STATE_FILE])
    if (lstatSync(join(root, state), { throwIfNoEntry: false }) !== undefined) return undefined;
  if (ownedFiles(root, new OutputFolders(root)).length > 0) return undefined;
  const hashes = new Map<string, string>();
  const paths: string[] = [];
  const contents: Uint8Array[] = [];
  for (const file of files) {
    checkPath(file.path);
    if (hashes.has(file.path)) throw new RegistryError("DUPLICATE_OUTPUT", `two outputs for ${file.path}`);
    hashes.set(file.path, file.sha256);
    paths.push(file.path);
    contents.push(file.bytes);
  }
  const writer = new FileWriter(root);
  writer.ahead(paths, contents);
  return { root, files: hashes, writer, close: () => writer.close() };
}

export function sha256Hex(bytes: Uint8Array | string | Pieces): string {
  if (typeof bytes === "string" || bytes instanceof Uint8Array) return oneShotHash("sha256", bytes);
  const h = createHash("sha256");
  for (const piece of bytes) h.update(piece);
  return h.digest("hex");
}

function checkPath(path: string): void {
  const bad =
    path === "" ||
    path.startsWith("/") ||
    path.includes("\\") ||
    hasControl(path) ||
    path.split("/").some((s) => s === "" || s === "." || s === "..");
  if (bad)
    throw new RegistryError("UNSAFE_OUTPUT_PATH", `refusing to write outside the output folder: ${path}`);
}

/** A control character (a NUL, a tab, a line break) would break the state's lines, or the path. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true;
  return false;
}

/** A group's name or a key goes into a line of the state: no tab or line break. */
function checkField(what: string, value: string): void {
  if (breaksLine(value))
    throw new RegistryError("INTERNAL_ERROR", `an output ${what} holds a tab or a line break: ${value}`);
}

function readBuildState(outDir: string): StateLines | undefined {
  try {
    // A link or a special file is no state (never read through, never waited on).
    const file = join(outDir, STATE_FILE);
    if (!lstatSync(file).isFile()) return undefined;
    return readStateLines(readFileSync(file));
  } catch {
    return undefined;
  }
}

/**
 * The bytes of the regular file at `file`, read without following a link there; undefined when
 * there is none (the caller checks them against the sha256 its state recorded).
 */
function readPrevious(file: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    // Never through a link, never waiting on a pipe planted there.
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    return fstatSync(fd).isFile() ? readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function hashOnDisk(file: string): string | undefined {
  try {
    return sha256Hex(readFileSync(file));
  } catch {
    return undefined;
  }
}

/**
 * Files under the generator's own prefixes (used when there is no state to trust), each a regular
 * file below real folders: a symbolic link or a special file there is refused before anything is
 * written (the walk never follows one).
 */
function ownedFiles(outDir: string, folders: OutputFolders): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    if (!folders.find(join(outDir, rel))) return;
    for (const e of readdirSync(join(outDir, rel), { withFileTypes: true })) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (e.isFile()) found.push(child);
      else fileThere(join(outDir, child));
    }
  };
  for (const prefix of OWNED_PREFIXES) {
    if (prefix.endsWith("/")) walk(prefix.slice(0, -1));
    else if (folders.find(dirname(join(outDir, prefix))) && fileThere(join(outDir, prefix)))
      found.push(prefix);
  }
  return found;
}

/** Removes now-empty folders from `rel`'s parent up to (not including) the output root. */
function pruneDirs(outDir: string, rel: string, folders: OutputFolders): void {
  let dir = dirname(rel);
  while (dir !== "." && dir !== "") {
    if (!folders.prune(join(outDir, dir))) return;
    dir = dirname(dir);
  }
}

/**
 * Writes `outputs` under `outDir` incrementally (see the module comment). `ignoreState` compares
 * every file's bytes on disk instead of trusting the state (after files were edited by hand).
 */
export async function writeTree(
  outDir: string,
  outputs: Iterable<Output | OutputGroup>,
  options: WriteOptions = {},
): Promise<WriteReport> {
  try {
    return await writeOutputs(outDir, outputs, options);
  } finally {
    // Files written ahead are all on disk when the writer finished, and its thread stopped: on a
    // refusal too, it writes nothing more once this returns.
    await options.ahead?.close();
  }
}

async function writeOutputs(
  outDir: string,
  outputs: Iterable<Output | OutputGroup>,
  options: WriteOptions,
): Promise<WriteReport> {
  const { ahead } = options;
  mkdirSync(outDir, { recursive: true });
  // The output folder may be a link the user chose: resolved once, then nothing below it is
  // written or deleted through a link (write-guard.ts).
  const root = realpathSync(outDir);
  if (ahead !== undefined && ahead.root !== root)
    throw new RegistryError("INTERNAL_ERROR", `files were written ahead into ${ahead.root}, not ${root}`);
  const folders = new OutputFolders(root);
  // Files written ahead went into a folder without state or files of ours (writeAhead).
  const previous = options.ignoreState || ahead !== undefined ? undefined : readBuildState(root);
  // The state goes before the first change on disk (an interrupted build leaves none); a build
  // that changes nothing and would record the same state leaves it as it is.
  let stateDropped = false;
  const dropState = (): void => {
    if (stateDropped) return;
    // rm removes a link itself, never what it points to.
    rmSync(join(root, STATE_FILE), { force: true });
    rmSync(join(root, OLD_STATE_FILE), { force: true });
    stateDropped = true;
  };
  if (!previous) dropState();
  // Without state, list our own files once: no failed open() per output in a fresh folder.
  // Written ahead: the folder held none of ours before; a file written ahead that is not listed is stale.
  const existing = previous ? undefined : new Set(ahead ? ahead.files.keys() : ownedFiles(root, folders));
  const written: string[] = [];
  const deleted: string[] = [];
  let unchanged = 0;
  /**
   * The new state's lines, in output order; `kept`: ids of lines taken over as they were read;
   * `relisted`: ids of the previous lines listed again.
   */
  const lines = new StateWriter();
  const seen = new Set<string>();
  const kept = new Set<string>();
  const relisted: string[] = [];
  /** Paths of every output listed (not those of kept lines), and those new to their line. */
  const produced = new Set<string>();
  const owners = previous ? ownerIndex(previous) : undefined;
  /** Paths new to their line that another line held, by that line's id (a rare move). */
  const moved = new Map<string, string>();
  const waiting: [string, Uint8Array | string | Pieces][] = [];
  const order = previous?.keys();
  let sameState = previous !== undefined;
  const writer = ahead?.writer ?? new FileWriter(root);
  try {
    for (const item of outputs) {
      const grouped = "group" in item;
      if (grouped) checkField("group", item.group);
      else checkPath(item.path);
      const id = grouped ? `group:${item.group}` : `file:${item.path}`;
      if (seen.has(id))
        throw new RegistryError(
          "DUPLICATE_OUTPUT",
          grouped ? `two output groups named ${item.group}` : `two outputs for ${id.slice(5)}`,
        );
      seen.add(id);
      if (sameState && order?.next().value !== id) sameState = false;
      const key = item.key ?? "";
      checkField("key", key);
      // Unchanged key: the whole line stands, its outputs neither listed, produced nor compared,
      // its bytes written back as they were read.
      const count = previous && key !== "" ? previous.keptCount(id, key) : undefined;
      if (count !== undefined && previous) {
        unchanged += count;
        lines.keep(previous, id);
        kept.add(id);
        continue;
      }
      const old = previous?.get(id);
      if (old !== undefined) relisted.push(id);
      const remembered = previous && old !== undefined ? new Map(parseValue(old)) : undefined;
      const files: [string, string][] = [];
      for (const output of grouped ? item.outputs() : [item]) {
        if (grouped) checkPath(output.path);
        if (produced.has(output.path))
          throw new RegistryError("DUPLICATE_OUTPUT", `two outputs for ${output.path}`);
        produced.add(output.path);
        const aheadHash = ahead?.files.get(output.path);
        if (aheadHash !== undefined) {
          // Written ahead from the bytes validated: the same file, or a bug.
          if (output.sha256 !== aheadHash)
            throw new RegistryError("INTERNAL_ERROR", `${output.path} was written ahead with other bytes`);
          files.push([output.path, aheadHash]);
          written.push(output.path);
          continue;
        }
        let before: string | undefined;
        if (previous) {
          before = remembered?.get(output.path);
          const owner = before === undefined ? owners?.(output.path, id) : undefined;
          // A path new to its line must not be one a kept line holds: two outputs for one path.
          if (owner !== undefined && kept.has(owner))
            throw new RegistryError("DUPLICATE_OUTPUT", `two outputs for ${output.path}`);
          if (owner !== undefined) moved.set(output.path, owner);
        } else if (existing?.has(output.path)) {
          before = hashOnDisk(join(root, output.path));
        }
        let bytes: Uint8Array | string | Pieces | undefined =
          typeof output.bytes === "function" ? undefined : output.bytes;
        let hash = output.sha256;
        // Bytes given with their sha256 are taken as they are (Output.sha256): not hashed again.
        if (hash === undefined || (hash !== before && bytes === undefined)) {
          // From the bytes the previous build wrote, when the output can and they are those its
          // state records (without a state, nothing vouches for the files on disk).
          if (bytes === undefined && previous && before !== undefined && output.update) {
            const previousBytes = readPrevious(join(root, output.path));
            if (previousBytes !== undefined && sha256Hex(previousBytes) === before)
              bytes = await output.update(previousBytes);
          }
          bytes ??= await (output.bytes as () => Promise<Uint8Array | string>)();
          const made = sha256Hex(bytes);
          // A copied manifest must be the file validated: one that changed since is not published.
          if (hash !== undefined && made !== hash) {
            throw new RegistryError("IO_ERROR", `registry file changed during the build: ${output.path}`, {
              details: { file: output.path },
            });
          }
          hash = made;
        }
        files.push([output.path, hash]);
        if (hash === before) {
          unchanged++;
          continue;
        }
        written.push(output.path);
        // A moved path waits until no kept line can still claim it.
        if (moved.has(output.path)) {
          waiting.push([output.path, bytes!]);
          continue;
        }
        dropState();
        writer.write(join(root, output.path), bytes!);
      }
      const line = `${id}\t${lineValue(key, files)}`;
      if (sameState && line !== `${id}\t${old}`) sameState = false;
      lines.add(line);
    }
    // The same for a line kept after the path was listed.
    for (const [path, owner] of moved)
      if (kept.has(owner)) throw new RegistryError("DUPLICATE_OUTPUT", `two outputs for ${path}`);
    for (const [path, bytes] of waiting) {
      dropState();
      writer.write(join(root, path), bytes);
    }
    // Every file is on disk before anything is deleted and before the state is written.
    await writer.finish();
  } finally {
    await writer.close();
  }

  const stale = previous
    ? stalePaths(previous, kept, relisted, produced)
    : [...(existing ?? [])].filter((path) => !produced.has(path) && path !== STATE_FILE);
  for (const path of stale) {
    checkPath(path);
    dropState();
    // A folder on the way that is a link is refused: the file it holds is not ours to delete.
    const file = join(root, path);
    if (folders.find(dirname(file))) removeFile(file);
    deleted.push(path);
    pruneDirs(root, path, folders);
  }

  let files: Map<string, string> | undefined;
  const report: WriteReport = {
    written,
    unchanged,
    deleted,
    get files() {
      files ??= filesOf(lines.lines());
      if (files === undefined)
        throw new RegistryError("IO_ERROR", `${STATE_FILE} is damaged: build again with --full`);
      return files;
    },
  };
  if (!stateDropped && sameState && lines.length === previous?.size) return report;
  dropState();
  const tmp = join(root, `${STATE_FILE}.tmp`);
  createFile(tmp, lines.pieces());
  // A rename replaces a link at the state's name, never writing through it.
  renameSync(tmp, join(root, STATE_FILE));
  return report;
}
