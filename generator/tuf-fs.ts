/**
 * Writes the registry's TUF metadata beside the API (`<out>/tuf/`): reads what the previous build
 * published there, lets core decide the new metadata over every file the writer reported, and
 * writes it in the order clients read it backwards (roots, bins, targets, snapshot, then
 * `timestamp.json` last), each file atomically, so a client never sees a timestamp naming metadata
 * that is not there yet. Versioned files stay (consistent snapshots: a CDN may cache them forever
 * and a client mid-update still finds the version it was sent to).
 */
import { mkdirSync, readFileSync, realpathSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";
import { Metadata, MetadataKind, type Snapshot, type Targets, type Timestamp } from "@tufjs/models";
import { type PublishedMetadata, signRepository, type TargetEntry } from "../core/tuf/repository.ts";
import { TUF_METADATA_PATH } from "../core/tuf/tuf-layout.ts";
import type { TufKeys } from "./tuf-keys-fs.ts";
import { createFile, fileThere, OutputFolders } from "./write-guard.ts";

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** What the previous build published under `<out>/tuf/` (nothing when absent or unreadable). */
export function readPublished(metadataDir: string): PublishedMetadata {
  const published: PublishedMetadata = { targets: new Map() };
  try {
    const timestampJson = readJson(join(metadataDir, "timestamp.json"));
    if (!timestampJson) return published;
    const timestamp = Metadata.fromJSON(
      MetadataKind.Timestamp,
      timestampJson as never,
    ) as Metadata<Timestamp>;
    const snapshotJson = readJson(
      join(metadataDir, `${timestamp.signed.snapshotMeta.version}.snapshot.json`),
    );
    if (!snapshotJson) return published;
    const snapshot = Metadata.fromJSON(MetadataKind.Snapshot, snapshotJson as never) as Metadata<Snapshot>;
    for (const [file, meta] of Object.entries(snapshot.signed.meta)) {
      const role = file.replace(/\.json$/, "");
      const json = readJson(join(metadataDir, `${meta.version}.${role}.json`));
      if (!json) return { targets: new Map() };
      published.targets.set(
        role,
        Metadata.fromJSON(MetadataKind.Targets, json as never) as Metadata<Targets>,
      );
    }
    published.timestamp = timestamp;
    published.snapshot = snapshot;
    return published;
  } catch {
    return { targets: new Map() };
  }
}

/** Replaces `file` by `bytes` (a new temporary file renamed over it); never written through a link. */
function writeAtomic(file: string, bytes: string): boolean {
  try {
    if (fileThere(file) && readFileSync(file, "utf8") === bytes) return false;
  } catch (error) {
    if ((error as { code?: string }).code === "UNSAFE_OUTPUT_PATH") throw error;
  }
  const tmp = `${file}.tmp`;
  createFile(tmp, bytes);
  renameSync(tmp, file);
  return true;
}

export interface TufWriteReport {
  /** Metadata files written (names inside the metadata folder). */
  written: string[];
  versions: Record<string, number>;
  targets: number;
}

/** The targets of a build: every file the writer reported (path → sha256), with its length on disk. */
export function targetEntries(outDir: string, files: ReadonlyMap<string, string>): TargetEntry[] {
  return [...files].map(([path, sha256]) => ({ path, sha256, length: statSync(join(outDir, path)).size }));
}

/**
 * Signs `targets` with `keys` at `now` and writes the metadata to `<outDir>/tuf/` (see the module
 * comment).
 */
export function writeTufMetadata(
  outDir: string,
  targets: readonly TargetEntry[],
  keys: TufKeys,
  now: Date,
): TufWriteReport {
  // Like the API's writer (write-guard.ts): tuf/ is a real folder below the output folder, never a
  // link whose metadata would be read as the previous build's or written over.
  mkdirSync(outDir, { recursive: true });
  const root = realpathSync(outDir);
  const folders = new OutputFolders(root);
  const metadataDir = join(root, TUF_METADATA_PATH.replace(/\/$/, ""));
  folders.find(metadataDir);
  const signed = signRepository({
    root: keys.root,
    targets,
    previous: readPublished(metadataDir),
    signers: keys.signers,
    now,
  });
  folders.make(metadataDir);
  const written: string[] = [];
  const put = (name: string, bytes: string) => {
    if (writeAtomic(join(metadataDir, name), bytes)) written.push(name);
  };
  for (const root of keys.roots) put(`${root.version}.root.json`, root.bytes);
  const ordered = [...signed.files].sort(([a], [b]) => rank(a) - rank(b));
  for (const [name, bytes] of ordered) put(name, bytes);
  return { written, versions: signed.versions, targets: targets.length };
}

function rank(name: string): number {
  if (name === "timestamp.json") return 3;
  if (name.endsWith(".snapshot.json")) return 2;
  if (name.endsWith(".targets.json")) return 1;
  return 0;
}
