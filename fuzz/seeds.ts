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

/**
 * Upstream reference data (FinFocus examples, Sigstore conformance bundles) is read at run time
 * from `FINFOCUS_UPSTREAM_DIR`, or from a `shared/upstream` folder beside the checkout or one
 * level up; it is never copied into the project. Undefined when there is none: the targets then
 * fuzz from the project's own seeds only.
 */
export function upstreamDir(): string | undefined {
  const candidates = [
    process.env.FINFOCUS_UPSTREAM_DIR,
    path.join(ROOT, "..", "shared", "upstream"),
    path.join(ROOT, "..", "..", "shared", "upstream"),
  ];
  return candidates.find((c): c is string => c !== undefined && existsSync(c));
}
