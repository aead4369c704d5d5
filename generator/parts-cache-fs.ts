/**
 * The file that remembers each plugin's parts (model.types.ts `PluginParts`) between builds, so a
 * rebuild need not parse the manifests of plugins that did not change: `<out>/.finfocus-parts.json`,
 * beside the build state and the verdicts. Each plugin's parts are stored with the key of their
 * inputs (fingerprint.ts `partsKey`) and, when a publication time fell back to it, the generation
 * time. Local state, read back untrusted: a missing, unreadable, corrupt or foreign file reads as
 * empty, and parts are used only when their key matches and they list the versions validated in
 * this run; where each manifest is and its hash are never taken from the file but from this run's
 * validation. It never decides validation (verdicts do). Writing is atomic (a temporary file
 * renamed) and best effort; it holds only the plugins of the build that wrote it.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { isObject } from "../core/json/is-object.ts";
import type { VersionFile } from "../core/registry.types.ts";
import type { PluginParts } from "./model.types.ts";

export const PARTS_FILE = ".finfocus-parts.json";

/** The format; a file of another format is ignored whole. */
const PARTS_FORMAT = "finfocus-registry/parts/2";

/**
 * A version's parts as stored, compact (there are as many as manifests): its version, publication
 * time, whether it is yanked (1) or not (0), and its description and author, null when they are
 * the plugin's (its latest version's, in the summary). Its file, hash and bundle are not stored:
 * this run's validation gives them.
 */
type StoredVersion = [string, string, 0 | 1, string | null, string | null];

/** One plugin's remembered parts. */
export interface StoredParts {
  key: string;
  /** The generation time the parts used (a version's publication time fell back to it). */
  generatedAt?: string;
  /** The input key of its documents (`PluginParts.key`). */
  documents: string;
  summary: PluginParts["summary"];
  upstream: PluginParts["upstream"];
  specVersions: string[];
  versions: StoredVersion[];
}

/** What to store of `parts` (see `StoredParts`). */
export function storedParts(key: string, generatedAt: string | undefined, parts: PluginParts): StoredParts {
  const { summary } = parts;
  return {
    key,
    ...(generatedAt !== undefined ? { generatedAt } : {}),
    documents: parts.key,
    summary,
    upstream: parts.upstream,
    specVersions: parts.specVersions,
    versions: parts.versions.map((v) => [
      v.version,
      v.published_at,
      v.yanked ? 1 : 0,
      v.description === summary.description ? null : v.description,
      v.author === summary.author ? null : v.author,
    ]),
  };
}

/** The stored parts by plugin name, unchecked (see `usableParts`). */
export function readParts(file: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  try {
    const value = JSON.parse(readFileSync(file, "utf8")) as unknown;
    if (!isObject(value) || value.format !== PARTS_FORMAT || !isObject(value.plugins)) return out;
    for (const [name, parts] of Object.entries(value.plugins)) out.set(name, parts);
  } catch {
    // No file, or not JSON: nothing remembered.
  }
  return out;
}

const text = (v: unknown): v is string => typeof v === "string";
const textOrNull = (v: unknown): v is string | null => v === null || typeof v === "string";

/**
 * `candidate`'s parts when it is well-formed, of key `key`, made for `generatedAt` if it used one,
 * and lists exactly `versions` (in order): then with their files, hashes and bundles; otherwise
 * undefined.
 */
export function usableParts(
  candidate: unknown,
  name: string,
  key: string,
  generatedAt: string,
  versions: readonly VersionFile[],
): PluginParts | undefined {
  if (!isObject(candidate) || candidate.key !== key) return undefined;
  if (candidate.generatedAt !== undefined && candidate.generatedAt !== generatedAt) return undefined;
  const c = candidate;
  const summary = c.summary;
  const wellFormed =
    text(c.documents) &&
    isObject(summary) &&
    summary.name === name &&
    text(summary.description) &&
    text(summary.author) &&
    typeof summary.deprecated === "boolean" &&
    isObject(c.upstream) &&
    (isObject(c.upstream.entry) || isObject(c.upstream.omitted)) &&
    Array.isArray(c.specVersions) &&
    c.specVersions.every(text) &&
    Array.isArray(c.versions) &&
    c.versions.length === versions.length &&
    c.versions.every(
      (v, i) =>
        Array.isArray(v) &&
        v.length === 5 &&
        v[0] === versions[i]?.version &&
        text(v[1]) &&
        (v[2] === 0 || v[2] === 1) &&
        textOrNull(v[3]) &&
        textOrNull(v[4]),
    );
  if (!wellFormed) return undefined;
  const stored = c as unknown as StoredParts;
  return {
    name,
    key: stored.documents,
    summary: stored.summary,
    upstream: stored.upstream,
    specVersions: stored.specVersions,
    versions: stored.versions.map(([version, published_at, yanked, description, author], i) => {
      const { file, sha256, bundleFile } = versions[i] as VersionFile;
      return {
        version,
        file,
        manifest_sha256: sha256,
        ...(bundleFile !== undefined ? { bundleFile } : {}),
        published_at,
        yanked: yanked === 1,
        description: description ?? stored.summary.description,
        author: author ?? stored.summary.author,
      };
    }),
  };
}

/** Replaces the stored parts (a temporary file renamed over the old one: never half-written). */
export function writeParts(file: string, plugins: Map<string, StoredParts>): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, JSON.stringify({ format: PARTS_FORMAT, plugins: Object.fromEntries(plugins) }));
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/** Removes the stored parts (a build that could not record them must not leave stale ones). */
export function dropParts(file: string): void {
  rmSync(file, { force: true });
}
