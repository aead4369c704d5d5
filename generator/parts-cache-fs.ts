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
import type { VersionFile } from "../core/registry.types.ts";
import type { PluginParts, VersionPart } from "./model.types.ts";

export const PARTS_FILE = ".finfocus-parts.json";

/** The format; a file of another format is ignored whole. */
const PARTS_FORMAT = "finfocus-registry/parts/1";

/** A version's parts as stored: without its file, hash and bundle (this run's validation gives them). */
type StoredVersion = Omit<VersionPart, "file" | "manifest_sha256" | "bundleFile">;

/** One plugin's remembered parts. */
export interface StoredParts {
  key: string;
  /** The generation time the parts used (a version's publication time fell back to it). */
  generatedAt?: string;
  parts: Omit<PluginParts, "versions"> & { versions: StoredVersion[] };
}

/** What to store of `parts` (see `StoredParts`). */
export function storedParts(key: string, generatedAt: string | undefined, parts: PluginParts): StoredParts {
  const versions = parts.versions.map(({ file: _f, manifest_sha256: _h, bundleFile: _b, ...v }) => v);
  return { key, ...(generatedAt !== undefined ? { generatedAt } : {}), parts: { ...parts, versions } };
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
  if (!isObject(candidate) || candidate.key !== key || !isObject(candidate.parts)) return undefined;
  if (candidate.generatedAt !== undefined && candidate.generatedAt !== generatedAt) return undefined;
  const p = candidate.parts;
  const wellFormed =
    p.name === name &&
    typeof p.key === "string" &&
    isObject(p.summary) &&
    p.summary.name === name &&
    typeof p.summary.deprecated === "boolean" &&
    isObject(p.upstream) &&
    (isObject(p.upstream.entry) || isObject(p.upstream.omitted)) &&
    Array.isArray(p.specVersions) &&
    p.specVersions.every((s) => typeof s === "string") &&
    Array.isArray(p.versions) &&
    p.versions.length === versions.length &&
    p.versions.every((v, i) => {
      return (
        isObject(v) &&
        v.version === versions[i]?.version &&
        typeof v.published_at === "string" &&
        typeof v.yanked === "boolean" &&
        typeof v.description === "string" &&
        typeof v.author === "string"
      );
    });
  if (!wellFormed) return undefined;
  const stored = p as unknown as StoredParts["parts"];
  return {
    ...stored,
    versions: stored.versions.map((v, i) => {
      const { file, sha256, bundleFile } = versions[i] as VersionFile;
      return { ...v, file, manifest_sha256: sha256, ...(bundleFile !== undefined ? { bundleFile } : {}) };
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
