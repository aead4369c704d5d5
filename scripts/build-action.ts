/**
 * Bundles the Action into one file, dist/index.js (committed; a test checks it equals a fresh
 * build). ESM for Node 24, with a createRequire banner for the CommonJS dependencies that call
 * require(). Run: npm run build:action.
 */

import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Builds the bundle; `outfile` lets the freshness test build into a temporary folder. */
export async function buildAction(outfile = `${root}dist/index.js`): Promise<void> {
  await build({
    entryPoints: [`${root}action/index.ts`],
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
}
