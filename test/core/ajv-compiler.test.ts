import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
/** The folders the CLI, the Action, the daemon and the library load code from. */
const SHIPPED = ["core", "cli", "runner", "generator", "action", "service", "net", "site/src"];
/**
 * The one module that may load ajv's compiler at run time (plugin authors' schemas, bounded), and
 * the project's ajv options, which only scripts/build-validators.ts and tests import (checked below).
 */
const COMPILER_ALLOWED = new Set(["core/schema/author-schema.ts", "core/schema/create-ajv.ts"]);

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|js|astro)$/.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .filter((f) => !f.includes("/node_modules/"));
}

/** Value imports (not `import type`) of a module's text. */
function valueImports(text: string): string[] {
  return [...text.matchAll(/^import\s+(?!type\s)[^;]*?from\s*"([^"]+)"|^import\s*"([^"]+)"/gm)].map(
    (m) => (m[1] ?? m[2])!,
  );
}

test("no shipped module but author-schema.ts loads ajv's compiler; the project's schemas are standalone code", () => {
  const offenders: string[] = [];
  for (const file of SHIPPED.flatMap(sources)) {
    if (COMPILER_ALLOWED.has(file)) continue;
    for (const specifier of valueImports(readFileSync(path.join(root, file), "utf8"))) {
      const compiler =
        (/^ajv(-formats)?(\/|$)/.test(specifier) &&
          !/^ajv\/dist\/runtime\//.test(specifier) &&
          specifier !== "ajv-formats/dist/formats.js") ||
        specifier.endsWith("/create-ajv.ts");
      if (compiler) offenders.push(`${file} imports ${specifier}`);
    }
  }
  assert.deepEqual(offenders, []);
});
