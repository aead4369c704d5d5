import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";
import { bundleHash } from "../core/code-version.ts";
import { cacheFolder } from "./cache-folder.js";
import type { CommandInput, OptionsSpec } from "./command.types.ts";

/**
 * The bundled CLI runs its quickest, most called commands (`validate`, in editor hooks and
 * pre-commit checks) from a CommonJS script of their own (dist/cli/command-<name>.cjs, built by
 * scripts/build-cli.ts from the same sources), compiled by V8 with a code cache made after the
 * command ran: it holds the bytecode of every function the command ran, not only the top-level
 * code Node's compile cache keeps (made before anything runs), so the next start compiles nothing
 * it had compiled before. The code is the same as the ES module build's; only how it is loaded
 * differs.
 *
 * The cache is a file per script in the user's own cache folder, named by the bundle's hash (the
 * sha256 of every input it was built from), the script's size and time, the Node version and the
 * architecture, so a cache never serves other code: a new bundle starts a new file (the old one is
 * removed), and each Node keeps its own. It is used only from a folder that is the user's own and
 * writable by no one else, read only when it is a regular file, and written whole (renamed into
 * place). V8 checks what it reads (its version, flags, the text's length) and rejects what does
 * not fit; a rejected cache is made again. NODE_DISABLE_COMPILE_CACHE=1 turns it off, as it turns
 * off Node's compile cache. Nothing here is needed for a command to work: any failure of the cache
 * leaves the command running as compiled from its text.
 */

/** A cache file's name: `<script>-<bundle>-<rest of the key>.bin`, the bundle 32 hex digits. */
const CACHE_NAME = /^(.+?)-([0-9a-f]{32})-[^/]+\.bin$/;

/** Largest cache file read (a cache is about the size of its script, a megabyte or two). */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;

/** True when `dir` is a real folder of this user's that no one else can write. */
function privateFolder(dir: string): boolean {
  const info = lstatSync(dir, { throwIfNoEntry: false });
  if (!info?.isDirectory()) return false;
  if (process.platform === "win32") return true;
  return info.uid === process.getuid?.() && (info.mode & 0o022) === 0;
}

function readCache(file: string): Buffer | undefined {
  try {
    if (!privateFolder(path.dirname(file))) return undefined;
    const info = lstatSync(file, { throwIfNoEntry: false });
    if (!info?.isFile() || info.size > MAX_CACHE_BYTES) return undefined;
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeCache(file: string, data: Buffer): void {
  const dir = path.dirname(file);
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!privateFolder(dir)) return;
    writeFileSync(tmp, data, { mode: 0o600, flag: "wx" });
    renameSync(tmp, file);
    // Caches of this script from other bundles are dead weight (another Node's are not).
    const [, script, bundle] = CACHE_NAME.exec(path.basename(file)) ?? [];
    for (const name of readdirSync(dir)) {
      const [, otherScript, otherBundle] = CACHE_NAME.exec(name) ?? [];
      if (otherScript === script && otherBundle !== bundle) rmSync(path.join(dir, name), { force: true });
    }
  } catch {
    rmSync(tmp, { force: true });
  }
}

/** Where the cache of the script `filename` is, or undefined when there is none to use. */
function cachePath(filename: string, env: NodeJS.ProcessEnv): string | undefined {
  // The folder of code caches, when the environment names a cache folder and allows caching.
  const dir = cacheFolder(env, "v8-code");
  const bundle = bundleHash();
  if (!dir || !bundle) return undefined;
  const { size, mtimeMs } = lstatSync(filename);
  const key = `${bundle.slice(0, 32)}-${size}-${Math.trunc(mtimeMs)}-${process.version}-${process.arch}`;
  return path.join(dir, `${path.basename(filename, ".cjs")}-${key}.bin`);
}

/** What a script exports: its commands, by the name they have in cli/commands.ts. */
type ScriptExports = Record<string, { run(input: CommandInput<OptionsSpec>): Promise<number> } | undefined>;

/**
 * Runs the command `name` of the script `file` (a path, or a URL of the bundle's folder) with
 * `input`, through the code cache of `env` (see above); returns its exit status.
 */
export async function runScript(
  file: string | URL,
  name: string,
  input: CommandInput<OptionsSpec>,
): Promise<number> {
  const filename = typeof file === "string" ? file : fileURLToPath(file);
  const text = readFileSync(filename, "utf8");
  const cacheFile = cachePath(filename, input.io.env);
  const cachedData = cacheFile ? readCache(cacheFile) : undefined;
  // Node's own CommonJS wrapper, so the script sees what a module file sees.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${text}\n})`, {
    filename,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} as ScriptExports };
  script.runInThisContext()(
    module.exports,
    createRequire(filename),
    module,
    filename,
    path.dirname(filename),
  );
  const command = module.exports[name];
  if (!command) throw new Error(`${filename} has no command '${name}'`);
  try {
    return await command.run(input);
  } finally {
    // After the run, the cache holds what it compiled; made when there was none that V8 took.
    if (cacheFile && (!cachedData || script.cachedDataRejected))
      writeCache(cacheFile, script.createCachedData());
  }
}
