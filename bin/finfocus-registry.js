#!/usr/bin/env node
// The launcher. It runs the bundled CLI (dist/cli/, plain JavaScript for Node 20 and newer, built
// by `npm run build:cli`, `npm test` and `npm pack`) unless this is a checkout whose TypeScript
// sources are newer than the bundle: then it runs the sources, which needs Node 24's type stripping.
// Kept small and quick: it runs before every command.
import module, { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { cacheFolder } from "../cli/cache-folder.js";

// `require`, not `import`: an ESM import of node:fs loads every module its exports hide (fs/promises
// and more), milliseconds on every start.
const { existsSync, readFileSync, statSync } = createRequire(import.meta.url)("node:fs");
const root = new URL("../", import.meta.url);
const rootPath = fileURLToPath(root);
const bundle = new URL("dist/cli/main.js", root);

/**
 * True when the bundle exists and, in a checkout (cli/main.ts present; a package ships no sources),
 * no source it was built from changed since (see scripts/build-cli.ts).
 */
function bundleIsFresh() {
  if (!existsSync(`${rootPath}cli/main.ts`)) return existsSync(bundle);
  let built;
  let sources;
  try {
    const inputs = `${rootPath}dist/cli/inputs.json`;
    built = statSync(inputs).mtimeMs;
    sources = JSON.parse(readFileSync(inputs, "utf8")).sources;
  } catch {
    return false;
  }
  for (const file of sources) {
    const info = statSync(rootPath + file, { throwIfNoEntry: false });
    // A source the bundle was built from is gone, or newer: the sources changed.
    if (info === undefined || info.mtimeMs > built) return false;
  }
  return true;
}

/**
 * Node 22.1 and newer keep the V8 code of the modules they compile (our bundle, its dependencies)
 * in a cache, so the next start skips parsing them: here in the user's own cache folder, never a
 * shared temporary one another user could write to, nor one below the folder a command runs in
 * (cli/cache-folder.js). Node checks each entry against the file it was made from. Only module
 * code is cached, never code compiled at run time (the validators ajv builds from an author's
 * configuration schema). NODE_DISABLE_COMPILE_CACHE=1 turns it off; NODE_COMPILE_CACHE=DIR (read
 * by Node itself) chooses another folder. Older Node: nothing happens.
 */
function enableCompileCache() {
  const env = process.env;
  if (typeof module.enableCompileCache !== "function" || env.NODE_COMPILE_CACHE) return;
  const folder = cacheFolder(env, "node-compile-cache");
  if (!folder) return;
  try {
    module.enableCompileCache(folder);
  } catch {
    // A cache is an optimisation: a folder that cannot be made leaves the CLI as it was.
  }
}

let entry = bundle;
if (!bundleIsFresh()) {
  const [major] = process.versions.node.split(".").map(Number);
  if (major < 24) {
    process.stderr.write(
      `finfocus-registry: the bundled CLI (dist/cli/) is missing or older than the sources, and running\n` +
        `the TypeScript sources needs Node 24 or newer (this is ${process.version}).\n` +
        "Run `npm run build:cli`, or run the sources with Node 24 (`npx finfocus-registry`).\n",
    );
    process.exit(2);
  }
  entry = new URL("cli/main.ts", root);
}
enableCompileCache();
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
