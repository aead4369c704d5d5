/**
 * Where the upstream reference data lives (FinFocus schemas and examples, Sigstore conformance
 * bundles). It is never part of the project: it is read at test time from `FINFOCUS_UPSTREAM_DIR`,
 * or from a `shared/upstream` folder beside the checkout (or one level up, for a git worktree).
 * Tests that need it skip with a visible reason where there is none.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The upstream folder, or undefined when this machine has none. */
export function upstreamDir(): string | undefined {
  const candidates = [
    process.env.FINFOCUS_UPSTREAM_DIR,
    path.join(ROOT, "..", "shared", "upstream"),
    path.join(ROOT, "..", "..", "shared", "upstream"),
  ];
  return candidates.find((c): c is string => c !== undefined && existsSync(c));
}

/** A file under the upstream folder (its would-be path beside the checkout when there is none). */
export function upstreamFile(...parts: string[]): string {
  return path.join(upstreamDir() ?? path.join(ROOT, "..", "shared", "upstream"), ...parts);
}
