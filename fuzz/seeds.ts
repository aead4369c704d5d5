import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The project's root folder. */
export const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Every file under `dir` (absolute, or relative to the project root) whose name passes `keep`, sorted. */
export function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  const stack = [path.resolve(ROOT, dir)];
  for (let at = stack.pop(); at !== undefined; at = stack.pop()) {
    if (!existsSync(at)) continue;
    for (const name of readdirSync(at)) {
      const full = path.join(at, name);
      if (statSync(full).isDirectory()) stack.push(full);
      else if (keep(name)) out.push(full);
    }
  }
  return out.sort();
}

export function readAll(files: readonly string[]): Uint8Array[] {
  return files.map((f) => new Uint8Array(readFileSync(f)));
}

/** Upstream reference data is read at run time, never copied (test/upstream.ts says from where). */
export { upstreamDir } from "../test/upstream.ts";
