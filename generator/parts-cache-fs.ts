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
import { hash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { isObject } from "../core/json/is-object.ts";
import { bundleFile, versionFile } from "../core/registry/layout.ts";
import type { VersionFile } from "../core/registry.types.ts";
import type { PluginParts } from "./model.types.ts";
import { createFile } from "./write-guard.ts";

export const PARTS_FILE = ".finfocus-parts.json";

/** The format; a file of another format is ignored whole. */
const PARTS_FORMAT = "finfocus-registry/parts/3";

/**
 * A version's parts as stored, compact (there are as many as manifests): its version, publication
 * time, whether it is yanked (1) or not (0), and its description and author, null when they are
 * the plugin's (its latest version's, in the summary), its manifest's sha256, and whether a bundle
 * sits beside it (1) or not (0). A rebuild that validated the plugin checks the hash and the
 * bundle against this run's validation; a rebuild from a commit that did not touch the plugin
 * takes them from here (`cachedParts`), its file being where the layout puts it.
 */
type StoredVersion = [string, string, 0 | 1, string | null, string | null, string, 0 | 1];

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
  /** `PluginParts.dependencies`, absent when empty. */
  dependencies?: string[];
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
      v.manifest_sha256,
      v.bundleFile !== undefined ? 1 : 0,
    ]),
    ...(parts.dependencies.length > 0 ? { dependencies: parts.dependencies } : {}),
  };
}

/** The stored parts by plugin name, unchecked (see `usableParts`). */
export function readParts(file: string): Map<string, unknown> {
  return readPartsFile(file).parts;
}

/**
 * The stored parts by plugin name, unchecked, and the sha256 of the file's bytes (undefined when
 * there is no file of this format): what a rebuild from a commit checks it is the file its record
 * names.
 */
export function readPartsFile(file: string): { parts: Map<string, unknown>; sha256?: string } {
  const out = new Map<string, unknown>();
  try {
    const bytes = readFileSync(file);
    const value = JSON.parse(bytes.toString("utf8")) as unknown;
    if (!isObject(value) || value.format !== PARTS_FORMAT || !isObject(value.plugins)) return { parts: out };
    for (const [name, parts] of Object.entries(value.plugins)) out.set(name, parts);
    return { parts: out, sha256: hash("sha256", bytes) };
  } catch {
    // No file, or not JSON: nothing remembered.
    return { parts: out };
  }
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
    c.versions.every((v, i) => {
      const file = versions[i];
      return (
        wellFormedVersion(v) &&
        v[0] === file?.version &&
        v[5] === file.sha256 &&
        v[6] === (file.bundleFile !== undefined ? 1 : 0)
      );
    }) &&
    (c.dependencies === undefined || (Array.isArray(c.dependencies) && c.dependencies.every(text)));
  return wellFormed ? partsOf(name, c as unknown as StoredParts, versions) : undefined;
}

const SHA256 = /^[0-9a-f]{64}$/;

function wellFormedVersion(v: unknown): v is StoredVersion {
  return (
    Array.isArray(v) &&
    v.length === 7 &&
    text(v[0]) &&
    text(v[1]) &&
    (v[2] === 0 || v[2] === 1) &&
    textOrNull(v[3]) &&
    textOrNull(v[4]) &&
    text(v[5]) &&
    SHA256.test(v[5]) &&
    (v[6] === 0 || v[6] === 1)
  );
}

/** The parts `stored` describes, with the files, hashes and bundles of `versions`. */
function partsOf(name: string, stored: StoredParts, versions: readonly VersionFile[]): PluginParts {
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
    dependencies: stored.dependencies ?? [],
  };
}

/**
 * The parts of a plugin a rebuild from a commit neither read nor judged (build-commit.ts), from
 * what was stored alone: each version's file where the layout puts it, its hash and bundle as
 * stored. Only for parts the build's own record vouches for (the file's hash matches the one the
 * record names, and git says the plugin's files did not change since); undefined when not well
 * formed.
 */
export function cachedParts(name: string, candidate: unknown): PluginParts | undefined {
  if (!isObject(candidate) || !text(candidate.key) || !text(candidate.documents)) return undefined;
  const { summary, versions } = candidate;
  if (!isObject(summary) || summary.name !== name || !Array.isArray(versions)) return undefined;
  if (!versions.every(wellFormedVersion)) return undefined;
  const stored = candidate as unknown as StoredParts;
  return partsOf(
    name,
    stored,
    stored.versions.map(([version, , , , , sha256, bundle]) => ({
      version,
      file: versionFile(name, version),
      sha256,
      ...(bundle === 1 ? { bundleFile: bundleFile(name, version) } : {}),
    })),
  );
}

/**
 * Replaces the stored parts (a temporary file renamed over the old one: never half-written).
 * Returns the sha256 of the bytes written, undefined when they could not be.
 */
export function writeParts(file: string, plugins: Map<string, StoredParts>): string | undefined {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    const bytes = Buffer.from(
      JSON.stringify({ format: PARTS_FORMAT, plugins: Object.fromEntries(plugins) }),
      "utf8",
    );
    // A new file: never written through a link planted at its name (write-guard.ts).
    createFile(tmp, bytes);
    renameSync(tmp, file);
    return hash("sha256", bytes);
  } catch {
    rmSync(tmp, { force: true });
    return undefined;
  }
}

/** Removes the stored parts (a build that could not record them must not leave stale ones). */
export function dropParts(file: string): void {
  rmSync(file, { force: true });
}
