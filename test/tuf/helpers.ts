/**
 * TUF test helpers: a keys folder made by the real `tuf init` steps, a site folder served over
 * loopback, and a real tuf-js client (`Updater`) pointed at it.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { Updater } from "tuf-js";
import type { TargetEntry } from "../../core/tuf/repository.ts";
import { initTufKeys } from "../../generator/tuf-admin-fs.ts";
import { targetEntries, writeTufMetadata } from "../../generator/tuf-fs.ts";
import { readTufKeys } from "../../generator/tuf-keys-fs.ts";
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
export function tufClient(
  baseUrl: string,
  rootBytes: Uint8Array | string,
): { updater: Updater; dir: string } {
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

/**
 * Signs what `server` serves as the generator signs a build: the served files (all but `/tuf/`
 * and `/artifacts/`) are written to `site`, the discovery document names the metadata, the
 * generator's TUF writer signs them with the keys in `keysDir` at `now`, and the metadata is served.
 * `site` keeps the previously published metadata, as a build folder does. `extra` targets are
 * signed too without being served (a benchmark's stand-ins for thousands of other plugins).
 */
export function signServed(
  server: StaticServer,
  site: string,
  keysDir: string,
  now = new Date(),
  extra: readonly TargetEntry[] = [],
): void {
  const discoveryPath = "/.well-known/finfocus-registry.json";
  const discovery = JSON.parse(Buffer.from(server.files.get(discoveryPath)!).toString("utf8"));
  if (!discovery.tuf) {
    discovery.tuf = { metadata: "tuf/" };
    server.files.set(discoveryPath, Buffer.from(JSON.stringify(discovery, null, 2)));
  }
  const files = new Map<string, string>();
  for (const [path, bytes] of server.files) {
    if (path.startsWith("/tuf/") || path.startsWith("/artifacts/")) continue;
    const rel = path.slice(1);
    mkdirSync(dirname(join(site, rel)), { recursive: true });
    writeFileSync(join(site, rel), bytes);
    files.set(rel, createHash("sha256").update(bytes).digest("hex"));
  }
  writeTufMetadata(site, [...targetEntries(site, files), ...extra], readTufKeys(keysDir), now);
  for (const name of readdirSync(join(site, "tuf"))) {
    server.files.set(`/tuf/${name}`, readFileSync(join(site, "tuf", name)));
  }
}

/** The files `server` serves now, to serve again later (a mirror replaying an old state). */
export function snapshotServed(server: StaticServer): Map<string, Uint8Array> {
  return new Map(server.files);
}

/** Serves exactly `files` (what a malicious mirror replays). */
export function replay(server: StaticServer, files: Map<string, Uint8Array>): void {
  server.files.clear();
  for (const [path, bytes] of files) server.files.set(path, bytes);
}

/** A keys folder made by `tuf init`, in a fresh temp folder; its first root's bytes. */
export function newKeys(): { keysDir: string; site: string; root: Buffer; tmp: string } {
  const tmp = mkdtempSync(join(tmpdir(), "ffr-tufk-"));
  const keysDir = join(tmp, "keys");
  initTufKeys(keysDir);
  return { keysDir, site: join(tmp, "site"), root: readFileSync(join(keysDir, "root", "1.root.json")), tmp };
}
