/**
 * Bundles the two Actions into one file each (committed; tests check they equal a fresh build):
 * the registry gate, action/ → dist/index.js, and the plugin release Action, release/ →
 * release/dist/index.js. ESM for Node 24, with a createRequire banner for the CommonJS
 * dependencies that call require(). Run: npm run build:action.
 */

import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Builds the gate's bundle; `outfile` lets the freshness test build into a temporary folder. */
export function buildAction(outfile = `${root}dist/index.js`): Promise<void> {
  return bundle(`${root}action/index.ts`, outfile);
}

/** Builds the release Action's bundle (release/dist/index.js). */
export function buildReleaseAction(outfile = `${root}release/dist/index.js`): Promise<void> {
  return bundle(`${root}release/index.ts`, outfile);
}

async function bundle(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    // Prefer ESM builds: UMD builds (jsonc-parser) hide their requires from the bundler.
    mainFields: ["module", "main"],
    target: "node24",
    format: "esm",
    minify: false,
    sourcemap: false,
    legalComments: "eof",
    logLevel: "warning",
    banner: {
      js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
    },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildAction(process.argv[2]);
  if (!process.argv[2]) await buildReleaseAction();
}
