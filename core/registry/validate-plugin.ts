import { hash } from "node:crypto";
import { append } from "../findings.ts";
import type { Finding } from "../findings.types.ts";
import type { Dependency, Manifest } from "../manifest.types.ts";
import type { Entry, RegistryConfig, VersionFile, VersionRecord } from "../registry.types.ts";
import type { KnownVersion } from "../rules/rule.types.ts";
import { validateManifest } from "../validate/validate-manifest.ts";
import {
  manifestKey,
  type PluginSummary,
  recordingLookup,
  reusableSummary,
  reusableVerdict,
  summaryDigest,
  type Verdict,
} from "../validate/verdicts.ts";
import { sortByVersion } from "../versions/registry-version.ts";
import { type LoadStamps, type ReadFile, readStamped } from "./file-stamps.ts";
import { bundleFile, entryFile, versionFile } from "./layout.ts";
import type { ReadFiles, WalkedPlugin } from "./reader-thread.ts";
import type { RegistrySource } from "./source.types.ts";

/** What a plugin's versions/ folder holds, from its listing alone (nothing parsed). */
export interface PluginFiles {
  name: string;
  versionFiles: string[];
  bundles: Set<string>;
}

/**
 * Which manifests a load keeps: all (true), none (false: only findings and verdicts), or only
 * those judged in this run ("judged": a valid manifest whose remembered verdict is reused is not
 * parsed; its file and hash are kept instead, for callers that cache what they derive from it).
 */
export type KeepManifests = boolean | "judged";

export interface PluginWork {
  listing: PluginFiles;
  entry?: Entry;
  /**
   * Remembered verdicts (core/validate/verdicts.ts): the plugin's context key and the store's
   * verdicts by version. Each manifest whose verdict is reusable is not judged again; the result
   * then carries every version's verdict.
   */
  verdicts?: { context: string; previous: Record<string, unknown> };
}

export interface PluginResult {
  name: string;
  /** Valid versions only, ascending by SemVer precedence; empty when manifests are not kept. */
  versions: VersionRecord[];
  /** With `keepManifests: "judged"`: the valid versions reused unparsed, ascending. */
  unparsed?: VersionFile[];
  /** The valid versions' numbers, ascending (kept either way). */
  validVersions: string[];
  /** The latest valid version's file and dependencies, for registry-wide cycle checks. */
  latest?: { file: string; dependencies: Dependency[] };
  findings: Finding[];
  manifests: number;
  /** Every version's verdict, when the work carried `verdicts`. */
  verdicts?: Record<string, Verdict>;
  /** Manifests judged (the rest reused a remembered verdict). */
  judged: number;
  /** Reused whole from its summary (`summarizedPlugin`): the summary as stored, to keep (then no `verdicts`). */
  summarized?: string;
  /** From `validatePluginStamped`: the stamp lines to remember for the version files it read. */
  stampLines?: string[];
}

/** One version's file as read: its bytes, their sha256, and its verdict when a remembered one is reusable. */
export interface ReadVersion {
  version: string;
  /** Absent: a missing file, or one not read (its unchanged stamp gave `sha256`), which has its reused `verdict`. */
  bytes?: Uint8Array;
  /** Empty when neither verdicts nor manifests are kept (nothing needs it). */
  sha256: string;
  /** The manifest's key (present when the work carries verdicts). */
  key?: string;
  verdict?: Verdict;
  /** A reused valid verdict's manifest, when manifests are kept. */
  manifest?: Manifest;
}

/** What `recallPlugin` found: every version file read, and whether each has a reusable verdict. */
export interface Recall {
  versions: ReadVersion[];
  /** Every file read has a reusable verdict: nothing is left to judge. */
  complete: boolean;
}

const utf8 = new TextDecoder();

/**
 * The first half of `validatePlugin`: reads a plugin's manifests, hashes them and finds the ones
 * whose remembered verdict is reusable (parsing those when manifests are kept). Cheap next to
 * judging, so the main thread runs it for every plugin and hands on only what must be judged.
 * `answers` memoizes lookups as text (valid for one run: the registry does not change in it);
 * `prefetched`: the version files as a reader thread read and hashed them, in the listing's order.
 */
export async function recallPlugin(
  work: PluginWork,
  lookup: (name: string) => readonly KnownVersion[] | undefined,
  read: (rel: string) => Promise<Uint8Array | undefined>,
  keepManifests: KeepManifests,
  answers: Map<string, string> = new Map(),
  prefetched?: ReadFiles,
): Promise<Recall> {
  const { listing: l } = work;
  // One await per plugin, not per file: the files are read together, then checked in order.
  const contents =
    prefetched?.bytes ??
    (await Promise.all(l.versionFiles.map((version) => read(versionFile(l.name, version)))));
  const previous = work.verdicts?.previous;
  // One version's file: its key and its reusable verdict, if any. Without bytes (a file not read:
  // its unchanged stamp gave `sha256`), a verdict is reusable only if nothing needs the manifest.
  const recallVersion = (version: string, bytes: Uint8Array | undefined, known: string): ReadVersion => {
    const sha256 = known || (bytes && (work.verdicts || keepManifests) ? hash("sha256", bytes) : "");
    const key = work.verdicts && manifestKey(l.bundles.has(version), sha256);
    const verdict =
      key && previous && Object.hasOwn(previous, version)
        ? reusableVerdict(previous[version], key, lookup, answers)
        : undefined;
    // A valid manifest's value is what the loader gave for these very bytes (JSON.parse of their
    // text: they passed every check of loadJson), so a reused one is only parsed, and only if kept.
    let manifest: Manifest | undefined;
    if (verdict?.valid && keepManifests === true && bytes) manifest = parseAccepted(bytes);
    const reused =
      verdict && (!verdict.valid || keepManifests !== true || manifest !== undefined) ? verdict : undefined;
    return {
      version,
      ...(bytes ? { bytes } : {}),
      sha256,
      ...(key ? { key } : {}),
      ...(reused ? { verdict: reused } : {}),
      ...(manifest ? { manifest } : {}),
    };
  };
  const versions: ReadVersion[] = [];
  let complete = true;
  for (const [i, version] of l.versionFiles.entries()) {
    const bytes = contents[i];
    const known = prefetched?.sha256[i] ?? "";
    let recalled = bytes || known ? recallVersion(version, bytes, known) : undefined;
    if (recalled && !recalled.bytes && !recalled.verdict) {
      // Not read, and not reusable as it is: read (and hash) it now.
      const again = await read(versionFile(l.name, version));
      recalled = again ? recallVersion(version, again, "") : undefined;
    }
    if (!recalled) {
      versions.push({ version, sha256: "" });
      continue;
    }
    if (!recalled.verdict) complete = false;
    versions.push(recalled);
  }
  return { versions, complete };
}

function parseAccepted(bytes: Uint8Array): Manifest | undefined {
  try {
    return JSON.parse(utf8.decode(bytes)) as Manifest;
  } catch {
    return undefined;
  }
}

/**
 * Validates every manifest of one plugin in registry context and checks its folder. The unit of
 * work that the main thread or a worker thread runs. `recall` is `recallPlugin`'s answer when the
 * caller has it (the files are then not read again).
 */
export async function validatePlugin(
  work: PluginWork,
  config: RegistryConfig | undefined,
  lookup: (name: string) => readonly KnownVersion[] | undefined,
  read: (rel: string) => Promise<Uint8Array | undefined>,
  keepManifests: KeepManifests = true,
  recall?: Recall,
): Promise<PluginResult> {
  const { listing: l, entry } = work;
  const findings: Finding[] = [];
  const versions: (VersionFile & { manifest?: Manifest; bytes?: Uint8Array; dependencies: Dependency[] })[] =
    [];
  const verdicts: Record<string, Verdict> | undefined = work.verdicts ? {} : undefined;
  let manifests = 0;
  let judged = 0;
  const { versions: files } = recall ?? (await recallPlugin(work, lookup, read, keepManifests));
  for (const { version, bytes, sha256, key, manifest: recalled, verdict: reused } of files) {
    const file = versionFile(l.name, version);
    // No bytes and no verdict: listed, then not found when read (a file removed or replaced during
    // the load, a git object missing). An error, so that a build never publishes the plugin as if
    // the version did not exist. (A file not read always has its reused verdict.)
    if (!bytes && !reused) {
      findings.push({
        code: "FILE_UNREADABLE",
        severity: "error",
        message:
          "the manifest was listed in its folder but could not be read (it changed during the load, or the git object is missing): run again, or repair the repository",
        file,
        pointer: "",
      });
      continue;
    }
    manifests++;
    const hasBundle = l.bundles.has(version);
    let verdict = reused;
    let manifest = recalled;
    if (!verdict) {
      judged++;
      // The lookups are recorded only for a verdict that will be remembered.
      const recorder = work.verdicts ? recordingLookup(lookup) : undefined;
      const result = validateManifest(bytes as Uint8Array, file, {
        path: { name: l.name, version },
        ...(config ? { config } : {}),
        ...(entry ? { entry } : {}),
        hasBundle,
        lookup: recorder?.lookup ?? lookup,
      });
      manifest = result.value;
      const valid = manifest !== undefined && !result.findings.some((f) => f.severity === "error");
      const dependencies = valid ? (manifest?.requirements?.dependencies ?? []) : [];
      verdict = {
        key: key ?? "",
        lookups: recorder?.seen ?? [],
        findings: result.findings,
        valid,
        ...(dependencies.length > 0 ? { dependencies } : {}),
      };
    }
    if (verdicts) verdicts[version] = verdict;
    append(findings, verdict.findings);
    if (verdict.valid) {
      versions.push({
        version,
        file,
        ...(keepManifests && manifest ? { manifest, ...(bytes ? { bytes } : {}) } : {}),
        sha256: keepManifests ? sha256 : "",
        dependencies: verdict.dependencies ?? [],
        ...(hasBundle ? { bundleFile: bundleFile(l.name, version) } : {}),
      });
    }
  }
  append(findings, listingFindings(l, entry));
  sortByVersion(versions, (v) => v.version);
  const last = versions.at(-1);
  const latest = last && { file: last.file, dependencies: last.dependencies };
  const records: VersionRecord[] = [];
  const unparsed: VersionFile[] = [];
  if (keepManifests) {
    for (const { dependencies: _, manifest, ...file } of versions) {
      if (manifest) records.push({ ...file, manifest });
      else unparsed.push(file);
    }
  }
  return {
    name: l.name,
    versions: records,
    ...(keepManifests === "judged" ? { unparsed } : {}),
    validVersions: versions.map((v) => v.version),
    ...(latest ? { latest } : {}),
    findings,
    manifests,
    judged,
    ...(verdicts ? { verdicts } : {}),
  };
}

/**
 * A plugin's version files, in its listing's order: those `brought` (a reader thread's), and the
 * others read and hashed here through `stamps` (readStamped: each stat'ed first; a file whose
 * stamp did not change is not read); with each one's stamp line ("": none) and how many of the
 * lines are of files read (not remembered as they were).
 */
export async function readVersionFiles(
  source: RegistrySource,
  stamps: LoadStamps | undefined,
  listing: PluginFiles,
  read: ReadFile,
  brought?: WalkedPlugin,
): Promise<{ files: ReadFiles; lines: string[]; fresh: number }> {
  const got = await Promise.all(
    listing.versionFiles.map(
      async (version) =>
        brought?.get(version) ?? readStamped(source, stamps, versionFile(listing.name, version), read),
    ),
  );
  let fresh = 0;
  for (const file of got) if (file?.line && file.bytes) fresh++;
  return {
    files: { bytes: got.map((file) => file?.bytes), sha256: got.map((file) => file?.sha256 ?? "") },
    lines: got.map((file) => file?.line ?? ""),
    fresh,
  };
}

/** Stamps a load takes without any to use: every file is read. */
const NO_STAMPS = new Map<string, string>();

/**
 * `validatePlugin`, with `stamps` taking the stamps of the version files as it reads them
 * (file-stamps.ts: each stat'ed before it is read), for a load that judges every manifest and
 * remembers stamps for the next (a full build or validation of a folder): the result then
 * carries the lines to remember.
 */
export async function validatePluginStamped(
  work: PluginWork,
  config: RegistryConfig | undefined,
  lookup: (name: string) => readonly KnownVersion[] | undefined,
  read: ReadFile,
  keepManifests: KeepManifests,
  stamps: { source: RegistrySource; startedNs: bigint } | undefined,
): Promise<PluginResult> {
  if (stamps === undefined) return validatePlugin(work, config, lookup, read, keepManifests);
  const taken = { index: NO_STAMPS, startedNs: stamps.startedNs };
  const { files, lines } = await readVersionFiles(stamps.source, taken, work.listing, read);
  const recall = await recallPlugin(work, lookup, read, keepManifests, new Map(), files);
  const result = await validatePlugin(work, config, lookup, read, keepManifests, recall);
  const stampLines = lines.filter((line) => line !== "");
  return stampLines.length > 0 ? { ...result, stampLines } : result;
}

/**
 * A plugin's result from its remembered summary (core/validate/verdicts.ts), without a manifest
 * parsed or a verdict looked at: what `validatePlugin` gives when it reuses every verdict. Only
 * when manifests need not be kept, every version file was read or stamped (`files`: their
 * sha256 in the listing's order) and the summary is reusable and consistent with the listing;
 * otherwise undefined (the caller recalls and judges as usual).
 */
export function summarizedPlugin(
  work: PluginWork,
  files: ReadFiles,
  stored: string | undefined,
  keepManifests: KeepManifests,
  lookup: (name: string) => readonly KnownVersion[] | undefined,
  answers: Map<string, string>,
): PluginResult | undefined {
  const { listing: l } = work;
  if (stored === undefined || keepManifests === true || work.verdicts === undefined) return undefined;
  const keys: [string, string][] = [];
  const sha256 = new Map<string, string>();
  for (const [i, version] of l.versionFiles.entries()) {
    const sha = files.sha256[i];
    if (!sha) return undefined;
    keys.push([version, manifestKey(l.bundles.has(version), sha)]);
    sha256.set(version, sha);
  }
  const summary = reusableSummary(stored, summaryDigest(work.verdicts.context, keys), lookup, answers);
  if (summary === undefined || !consistent(summary, l)) return undefined;
  const valid = sortByVersion([...summary.valid], (v) => v);
  const last = valid.at(-1);
  const findings = append([...summary.findings], listingFindings(l, work.entry));
  const file = (version: string): VersionFile => ({
    version,
    file: versionFile(l.name, version),
    sha256: sha256.get(version) as string,
    ...(l.bundles.has(version) ? { bundleFile: bundleFile(l.name, version) } : {}),
  });
  return {
    name: l.name,
    versions: [],
    ...(keepManifests === "judged" ? { unparsed: valid.map(file) } : {}),
    validVersions: valid,
    ...(last
      ? { latest: { file: versionFile(l.name, last), dependencies: summary.dependencies[last] ?? [] } }
      : {}),
    findings,
    manifests: l.versionFiles.length,
    judged: 0,
    summarized: stored,
  };
}

/**
 * A summary as its verdicts would be (a store read back is untrusted): its valid versions are
 * version files of the listing, each once, and a version is valid exactly when no error names
 * its file.
 */
function consistent(summary: PluginSummary, l: PluginFiles): boolean {
  const valid = new Set(summary.valid);
  if (valid.size !== summary.valid.length) return false;
  const failed = new Set<string>();
  for (const f of summary.findings) if (f.severity === "error") failed.add(f.file);
  for (const version of l.versionFiles) {
    if (valid.has(version) === failed.has(versionFile(l.name, version))) return false;
    valid.delete(version);
  }
  return valid.size === 0;
}

/** Bundles without a manifest, yanks of versions that do not exist (the layout judged the rest). */
function listingFindings(l: PluginFiles, entry: Entry | undefined): Finding[] {
  const out: Finding[] = [];
  const versions = new Set(l.versionFiles);
  for (const version of l.bundles) {
    if (!versions.has(version)) {
      out.push({
        code: "ORPHAN_FILE",
        severity: "error",
        message: `a Sigstore bundle for ${version}, which has no manifest: add ${version}.json or remove the bundle`,
        file: bundleFile(l.name, version),
        pointer: "",
      });
    }
  }
  for (const version of Object.keys(entry?.yanked ?? {})) {
    if (!versions.has(version)) {
      out.push({
        code: "ENTRY_INVALID",
        severity: "error",
        message: `yanks version ${version}, which was never published`,
        file: entryFile(l.name),
        pointer: `/yanked/${version.replaceAll("~", "~0").replaceAll("/", "~1")}`,
      });
    }
  }
  return out;
}
