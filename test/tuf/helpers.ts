/**
 * TUF test helpers: a keys folder made by the real `tuf init` steps, a site folder served over
 * loopback, and a real tuf-js client (`Updater`) pointed at it.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Updater } from "tuf-js";
import type { StaticServer } from "../runner/helpers/server.ts";

/** Every file under `dir`, served at `/<relative path>` (replacing what was there). */
export function serveFolder(server: StaticServer, dir: string): void {
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    server.files.set(`/${relative(dir, full).split("\\").join("/")}`, readFileSync(full));
  }
}

/** A tuf-js Updater over `baseUrl`'s metadata, trusting `rootBytes` (a fresh trust folder). */
export function tufClient(baseUrl: string, rootBytes: Uint8Array | string): { updater: Updater; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "ffr-tufc-"));
  mkdirSync(join(dir, "targets"));
  writeFileSync(join(dir, "root.json"), rootBytes);
  const updater = new Updater({
    metadataDir: dir,
    metadataBaseUrl: `${baseUrl}/tuf`,
    targetDir: join(dir, "targets"),
    targetBaseUrl: baseUrl,
    config: { prefixTargetsWithHash: false },
  });
  return { updater, dir };
}
