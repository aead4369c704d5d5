import type { Dirent, Stats } from "node:fs";
import { RegistryError } from "./errors.ts";

/**
 * The one refusal of a path below an output folder that a build would write or delete through
 * (the generator's writer, generator/write-guard.ts, and the site builder, site/build.ts): a
 * symbolic link or a special file where a real folder or a regular file must be.
 */

/** What an lstat (or a directory entry) found, for a message: "a symbolic link", "a file", … */
export function kindOf(stats: Stats | Dirent): string {
  if (stats.isSymbolicLink()) return "a symbolic link";
  if (stats.isDirectory()) return "a folder";
  if (stats.isFile()) return "a file";
  return "a special file";
}

/** The refusal of `path`, found to be `found` where the build needs `expected`. */
export function unsafeOutput(path: string, found: string, expected: string): RegistryError {
  const remedy =
    found === "a symbolic link"
      ? "the build never writes or deletes through a link: remove the link (not what it points to) and build again"
      : "remove it and build again";
  return new RegistryError(
    "UNSAFE_OUTPUT_PATH",
    `refusing to write through ${path}: it is ${found} where the output folder needs ${expected}; ${remedy}`,
    { details: { file: path, found, expected } },
  );
}
