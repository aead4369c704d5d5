import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Which top-level folders each folder's code may import (docs/architecture.md, "Folders"):
 * adapters meet only in core/, and in cli/, the composition root. A folder not listed here
 * (bench/, scripts/, test/) may import anything.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  core: ["schemas"],
  net: ["core"],
  action: ["core", "net", "schemas"],
  generator: ["core", "schemas"],
  site: ["core", "generator"],
  runner: ["core", "net", "schemas"],
  release: ["core", "net", "schemas"],
  service: ["runner", "core", "net", "schemas"],
  cli: ["runner", "generator", "site", "service", "core", "net", "schemas", "package.json"],
  bin: ["cli"],
};

/** Imports the site may take from the generator: its model's types, never its code. */
const TYPES_ONLY: Record<string, string> = { site: "generator" };

/** Relative specifiers of static and dynamic imports, re-exports and `new URL(…, import.meta.url)`. */
function specifiers(text: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|new URL\(\s*)["'](\.{1,2}\/[^"']+)["']/g;
  return [...text.matchAll(pattern)].map((m) => m[1] as string);
}

function files(dir: string): string[] {
  const out: string[] = [];
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(path.join(root, dir), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      // dist/: an Action's bundle, generated from the sources walked here.
      if (e.name !== "node_modules" && e.name !== "dist" && !e.name.startsWith(".")) out.push(...files(rel));
    } else if (/\.(ts|js|astro)$/.test(e.name)) out.push(rel);
  }
  return out;
}

/** Every import that leaves its folder, as `from -> to`. */
function crossings(): { folder: string; file: string; target: string }[] {
  const out: { folder: string; file: string; target: string }[] = [];
  for (const folder of Object.keys(MAY_IMPORT)) {
    for (const file of files(folder)) {
      for (const spec of specifiers(readFileSync(path.join(root, file), "utf8"))) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
        if (target.split("/")[0] !== folder) out.push({ folder, file, target });
      }
    }
  }
  return out;
}

test("no adapter imports another: every import between folders is one the architecture allows", () => {
  const found = crossings();
  assert.ok(
    found.some((c) => c.folder === "cli" && c.target.startsWith("runner/")),
    "the walk finds imports",
  );
  const forbidden = found
    .filter(({ folder, target }) => {
      const to = target.split("/")[0] as string;
      if (!MAY_IMPORT[folder]?.includes(to)) return true;
      return TYPES_ONLY[folder] === to && !target.endsWith(".types.ts");
    })
    .map(({ file, target }) => `${file} -> ${target}`);
  assert.deepEqual(forbidden, []);
});

test("only the Actions (the gate and the release Action) talk to GitHub's libraries", () => {
  const outside = Object.keys(MAY_IMPORT)
    .filter((folder) => folder !== "action" && folder !== "release")
    .flatMap((folder) => files(folder))
    .filter((file) => /from\s*["']@(actions|octokit)\//.test(readFileSync(path.join(root, file), "utf8")));
  assert.deepEqual(outside, []);
});
