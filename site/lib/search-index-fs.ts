/** Writes the search index beside the site's pages. */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { SiteModel } from "./model.types.ts";
import { buildSearchIndex } from "./search-index.ts";

/** Replaces `<outDir>/search/` with a fresh index; returns the bytes written. */
export async function writeSearchIndex(model: SiteModel, outDir: string): Promise<number> {
  const files = buildSearchIndex(model.index.plugins);
  await rm(join(outDir, "search"), { recursive: true, force: true });
  const dirs = new Set(files.map((f) => dirname(join(outDir, f.path))));
  for (const dir of dirs) await mkdir(dir, { recursive: true });
  let bytes = 0;
  await Promise.all(
    files.map((f) => {
      bytes += Buffer.byteLength(f.text);
      return writeFile(join(outDir, f.path), f.text);
    }),
  );
  return bytes;
}
