/**
 * What a build from a commit leaves for the next one (`<out>/.finfocus-commit-record`), so that a
 * rebuild from a later commit judges and models only what the commits between them can reach
 * (build-commit.ts): the commit published, the code that built it, its findings, the newest commit
 * date it saw, and which remembered parts (parts-cache-fs.ts) describe it: the parts file by the
 * sha256 of its index (which names each plugin's detail by its own sha256), plus the parts of the
 * plugins changed since that file was written (`overlay`, each a head and a detail as the file
 * keeps them, kept here so a small rebuild does not rewrite the whole parts file).
 *
 * Local state, trusted as the writer's state is (write-fs.ts): a record edited by hand (its
 * findings, its overlay) is believed until `build --full`, which ignores it. What it guards
 * against is accidents: anything not of this shape reads as no record, a parts file that is not
 * the one it names is not used, and then the build judges the commit as a first build does. Every
 * build removes the record before it writes anything and only a build that published a commit
 * writes a new one, atomically, after the API: an interrupted build, a build of the files on disk,
 * or one that found errors leaves none.
 */
import { mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Finding } from "../core/findings.types.ts";
import { isObject } from "../core/json/is-object.ts";
import type { StoredParts } from "./parts-cache-fs.ts";
import { createFile } from "./write-guard.ts";

export const COMMIT_RECORD_FILE = ".finfocus-commit-record";

const FORMAT = "finfocus-registry/commit-record/2";

export interface CommitRecord {
  /** The identity of the code that judged and rendered (a rebuild by other code judges afresh). */
  code: string;
  /** The repository's top folder and the registry's path in it. */
  top: string;
  registryPath: string;
  /** The commit published. */
  commit: string;
  /** The newest commit date under the registry in its history (the generation time's source). */
  newest?: string;
  /** True when the repository was shallow: its dates are not the whole history's. */
  shallow: boolean;
  /** The sha256 of the index of the parts file the record's parts start from. */
  partsSha256: string;
  /** Parts changed since that file was written, by plugin name (null: the plugin is gone). */
  overlay: Record<string, StoredParts | null>;
  /** Every finding of the build (warnings only: a build with errors publishes nothing). */
  findings: Finding[];
}

const text = (v: unknown): v is string => typeof v === "string";

/** The record in `outDir`, if there is one of this format and shape. */
export function readCommitRecord(outDir: string): CommitRecord | undefined {
  try {
    const value = JSON.parse(readFileSync(join(outDir, COMMIT_RECORD_FILE), "utf8")) as unknown;
    if (!isObject(value) || value.format !== FORMAT) return undefined;
    const { code, top, registryPath, commit, newest, shallow, partsSha256, overlay, findings } = value;
    if (typeof shallow !== "boolean") return undefined;
    if (!text(code) || !text(top) || !text(registryPath) || !text(commit) || !text(partsSha256))
      return undefined;
    if (newest !== undefined && !text(newest)) return undefined;
    if (!isObject(overlay) || !Object.values(overlay).every((v) => v === null || text(v))) return undefined;
    if (!Array.isArray(findings) || !findings.every(isObject)) return undefined;
    return {
      code,
      top,
      registryPath,
      commit,
      ...(newest !== undefined ? { newest } : {}),
      shallow,
      partsSha256,
      overlay: overlay as Record<string, StoredParts | null>,
      findings: findings as unknown as Finding[],
    };
  } catch {
    return undefined;
  }
}

/** Writes the record (a temporary file renamed: never half-written); best effort, like every cache. */
export function writeCommitRecord(outDir: string, record: CommitRecord): void {
  const file = join(outDir, COMMIT_RECORD_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    // A new file: never written through a link planted at its name (write-guard.ts).
    createFile(tmp, JSON.stringify({ format: FORMAT, ...record }));
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/** Removes the record: what the output folder holds is about to change. */
export function dropCommitRecord(outDir: string): void {
  rmSync(join(outDir, COMMIT_RECORD_FILE), { force: true });
}
