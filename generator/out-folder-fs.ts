/**
 * Where `build --out` really is: output inside the registry folder would become part of it (every
 * later build refuses the stray files), so build-fs.ts refuses it, judged on realpaths too.
 */
import { lstatSync, readlinkSync, realpathSync } from "node:fs";
import path from "node:path";
import { RegistryError } from "../core/errors.ts";

/** Whether `inner` is `outer` or below it, as written or as resolved (see `outInsideRegistry`). */
function below(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(outer.endsWith(path.sep) ? outer : `${outer}${path.sep}`);
}

/**
 * The realpath of `dir`, which need not exist yet: its nearest existing ancestor's realpath, with
 * the rest of the path (still to be created) joined to it. A link to nothing there yet (mkdir
 * would not create its target, but a later step might) is read as where it points.
 */
function realpathToBe(dir: string): string {
  const missing: string[] = [];
  let at = path.resolve(dir);
  for (let hops = 0; ; ) {
    try {
      return path.join(realpathSync(at), ...missing.reverse());
    } catch (error) {
      const parent = path.dirname(at);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ELOOP" || code === "ENOTDIR") throw unusable(path.resolve(dir), code);
      if (code !== "ENOENT" || parent === at) throw error;
      const link = danglingLink(at);
      if (link !== undefined && ++hops <= 40) {
        at = path.resolve(parent, link);
        continue;
      }
      missing.push(path.basename(at));
      at = parent;
    }
  }
}

/** The refusal of an --out that no folder can be made at: a loop of links, or a file on the way. */
function unusable(out: string, errno: "ELOOP" | "ENOTDIR"): RegistryError {
  const found = errno === "ELOOP" ? "a loop of symbolic links" : "a file where a folder must be";
  return new RegistryError(
    "UNSAFE_OUTPUT_PATH",
    `--out ${out} cannot be an output folder: its path holds ${found}; remove it or give another --out`,
    { details: { file: out, found } },
  );
}

/** Where the link at `file` points, when `file` is one (its target missing); else undefined. */
function danglingLink(file: string): string | undefined {
  try {
    return lstatSync(file).isSymbolicLink() ? readlinkSync(file) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the folder `out` is `registry` or inside it, judged as written and on realpaths: a
 * symbolic link in `--out` that leads into the registry, or a registry named through a link
 * while `--out` names its real folder, hides neither. `out` need not exist yet.
 */
export function outInsideRegistry(out: string, registry: string): boolean {
  if (below(path.resolve(out), path.resolve(registry))) return true;
  let real: string;
  try {
    real = realpathSync(registry);
  } catch {
    return false; // no registry there: opening it fails next, with its own error
  }
  return below(realpathToBe(out), real);
}
