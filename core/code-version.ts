/**
 * What identifies "the code" for caches keyed by it (rendered documents, validation verdicts).
 * In the bundled CLI (scripts/build-cli.ts) it is the bundle's hash, defined at build time: the
 * bundle has no TypeScript sources to hash. Run from the sources it is undefined, and each cache
 * hashes the source files it depends on.
 */
declare const FINFOCUS_BUNDLE_HASH: string | undefined;

/** The sha256 of every input of the bundle this code runs from, or undefined when run from sources. */
export function bundleHash(): string | undefined {
  return typeof FINFOCUS_BUNDLE_HASH === "string" ? FINFOCUS_BUNDLE_HASH : undefined;
}
