import { createHash } from "node:crypto";
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";

/**
 * sha256 of every regular file under `dir` (relative path → hex), and "symlink:<target>" for
 * links: what `verifyInstalled` later compares against to notice a plugin folder changed on disk.
 */
export async function fileDigests(dir: string, prefix = ""): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(out, await fileDigests(dir, rel));
    else if (entry.isSymbolicLink()) out[rel] = `symlink:${await readlink(join(dir, rel))}`;
    else if (entry.isFile())
      out[rel] = createHash("sha256")
        .update(await readFile(join(dir, rel)))
        .digest("hex");
    else out[rel] = `other:${(await lstat(join(dir, rel))).mode.toString(8)}`;
  }
  return out;
}
