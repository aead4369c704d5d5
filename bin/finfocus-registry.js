#!/usr/bin/env node
// The launcher. It runs the bundled CLI (dist/cli/, plain JavaScript for Node 20 and newer, built
// by `npm run build:cli`, `npm test` and `npm pack`) unless this is a checkout whose TypeScript
// sources are newer than the bundle: then it runs the sources, which needs Node 24's type stripping.
import { existsSync, readFileSync, statSync } from "node:fs";

const root = new URL("../", import.meta.url);
const bundle = new URL("dist/cli/main.js", root);

/**
 * True when the bundle exists and, in a checkout (cli/main.ts present; a package ships no sources),
 * no source it was built from changed since (see scripts/build-cli.ts).
 */
function bundleIsFresh() {
  if (!existsSync(new URL("cli/main.ts", root))) return existsSync(bundle);
  let built;
  let sources;
  try {
    const inputs = new URL("dist/cli/inputs.json", root);
    built = statSync(inputs).mtimeMs;
    sources = JSON.parse(readFileSync(inputs, "utf8")).sources;
  } catch {
    return false;
  }
  for (const file of sources) {
    try {
      if (statSync(new URL(file, root)).mtimeMs > built) return false;
    } catch {
      return false; // a source the bundle was built from is gone: the sources changed
    }
  }
  return true;
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
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
