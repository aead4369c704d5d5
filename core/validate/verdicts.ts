/**
 * Remembered verdicts: what a manifest's validation depends on, decided once. A verdict (its
 * findings, whether the version is valid, its dependencies) may be reused only when all of it is
 * unchanged: the code that judged it (schemas, rules, the tool's version), config.json, the
 * plugin's entry.json and name (together: the plugin's context, kept once per plugin), the
 * manifest's version (its place in the store), bytes and whether a bundle lies beside it (its
 * key), and every other plugin's versions the rules looked up (recorded as they were seen).
 * The store is local state read back from a file: anything in it that is not a well-formed verdict
 * is ignored, never trusted, so a corrupt or foreign store only costs a re-judgement.
 * Adapters keep the store (generator/verdict-store-fs.ts); core decides what it may be used for.
 */
import { hash } from "node:crypto";
import { CODES } from "../codes/codes.ts";
import type { Finding } from "../findings.types.ts";
import { isObject } from "../json/is-object.ts";
import { breaksLine, keyedLine, keyedLinesText, readKeyedLines } from "../keyed-lines.ts";
import type { Dependency } from "../manifest.types.ts";
import type { Entry, RegistryConfig } from "../registry.types.ts";
import type { KnownVersion } from "../rules/rule.types.ts";
import { sortByVersion } from "../versions/registry-version.ts";

/**
 * The store's format; a store of another format is ignored whole. The store is keyed lines
 * (core/keyed-lines.ts), one per plugin: `${name}\t${context}\t${count}\t${versions as JSON}`,
 * so a load that recalls a few plugins parses only their lines, and one that writes the store
 * back copies the lines of the plugins it reused whole.
 */
export const VERDICTS_FORMAT = "finfocus-registry/verdicts/3";

/** One manifest's remembered verdict. */
export interface Verdict {
  /** The manifest's bytes and whether a bundle lies beside it (see `manifestKey`). */
  key: string;
  /**
   * The other plugins the rules looked up and the versions they saw, as text (`lookupText`: each
   * version, `!` when yanked, space-separated; `-`: no such plugin).
   */
  lookups: [string, string][];
  findings: Finding[];
  /** The version passed (no error), so it is published. */
  valid: boolean;
  /** A valid version's dependencies (registry-wide cycle checks need them without the manifest). */
  dependencies?: Dependency[];
}

/** One plugin's verdicts: its context (`pluginContextKey`) and its versions' verdicts. */
export interface PluginVerdicts {
  context: string;
  versions: Record<string, Verdict>;
}

/** Verdicts by plugin name: what a store holds and a load returns. */
export type VerdictStore = Record<string, PluginVerdicts>;

/**
 * The part of every key shared by one plugin's manifests: the code's identity (the bundle's hash
 * or the sources', with the tool's version: the adapter supplies it), config.json, the plugin's
 * name and entry, as validated (absent ones count as absent). Stored once per plugin: a verdict
 * is reused only under the context it was judged in.
 */
export function pluginContextKey(
  code: string,
  config: RegistryConfig | undefined,
  name: string,
  entry: Entry | undefined,
): string {
  // config.json's text is made once per load, not once per plugin.
  let configText = config === undefined ? "-" : configTexts.get(config);
  if (configText === undefined && config !== undefined) {
    configText = JSON.stringify(config);
    configTexts.set(config, configText);
  }
  return hash(
    "sha256",
    `${VERDICTS_FORMAT}\0${code}\0${configText}\0${name}\0${entry === undefined ? "-" : JSON.stringify(entry)}`,
  );
}

const configTexts = new WeakMap<RegistryConfig, string>();

/**
 * A manifest's key within its plugin's context: its bytes' sha256 and whether a bundle lies beside
 * it (its file is its place in the store). No hash of its own: one per manifest per run adds up.
 */
export function manifestKey(hasBundle: boolean, bytesSha256: string): string {
  return `${hasBundle ? "bundle" : "alone"}:${bytesSha256}`;
}

type Lookup = (name: string) => readonly KnownVersion[] | undefined;

/** A lookup that records what it answered, for the verdict it helps decide. */
export function recordingLookup(lookup: Lookup): { lookup: Lookup; seen: Verdict["lookups"] } {
  const seen: Verdict["lookups"] = [];
  return {
    seen,
    lookup(name) {
      const versions = lookup(name);
      seen.push([name, lookupText(versions)]);
      return versions;
    },
  };
}

/**
 * The remembered verdict for a manifest whose key is `key`, when `candidate` (from a store) is a
 * well-formed verdict of that key and every lookup it recorded still answers the same; otherwise
 * undefined: the manifest must be judged. `answers` memoizes the lookups' answers as text for the
 * manifests of one run.
 */
export function reusableVerdict(
  candidate: unknown,
  key: string,
  lookup: Lookup,
  answers: Map<string, string> = new Map(),
): Verdict | undefined {
  if (!isVerdict(candidate) || candidate.key !== key) return undefined;
  return answerSame(candidate.lookups, lookup, answers) ? candidate : undefined;
}

/** Every lookup recorded still answers the same (`answers` memoizes the answers as text). */
function answerSame(
  lookups: readonly [string, string][],
  lookup: Lookup,
  answers: Map<string, string>,
): boolean {
  for (const [name, versions] of lookups) {
    let now = answers.get(name);
    if (now === undefined) {
      now = lookupText(lookup(name));
      answers.set(name, now);
    }
    if (now !== versions) return false;
  }
  return true;
}

/** A lookup's answer as text (a version holds neither spaces nor `!`). */
function lookupText(versions: readonly KnownVersion[] | undefined): string {
  return versions === undefined ? "-" : versions.map((v) => `${v.version}${v.yanked ? "!" : ""}`).join(" ");
}

/**
 * The lines of a store read back from a file (anything, untrusted), by plugin name: empty unless
 * it is a store of this format. Lines are only split here; a plugin's verdicts are parsed when
 * they are recalled (`storedVersions`), each verdict checked when it is used (`reusableVerdict`).
 */
export function readVerdictStore(bytes: Uint8Array | undefined): Map<string, string> {
  return readKeyedLines(bytes, VERDICTS_FORMAT);
}

/**
 * One plugin's line of a store (`readVerdictStore(bytes).get(name)`), found without splitting
 * the rest; null when the bytes must be split to tell (`keyedLine`).
 */
export function storedLine(bytes: Uint8Array, name: string): string | undefined | null {
  return keyedLine(bytes, VERDICTS_FORMAT, name);
}

/**
 * The verdicts of one plugin that may be reused under `context` (its stored line, anything):
 * none when the plugin was judged in another context or the line is not one.
 */
export function storedVersions(stored: string | undefined, context: string): Record<string, unknown> {
  if (stored === undefined || !stored.startsWith(`${context}\t`)) return {};
  const json = stored.indexOf("\t", context.length + 1);
  if (json === -1) return {};
  try {
    const versions: unknown = JSON.parse(stored.slice(json + 1));
    return isObject(versions) ? versions : {};
  } catch {
    return {};
  }
}

/** How many verdicts a stored line (of verdicts or a summary) stands for (0 when it is not one). */
export function storedCount(stored: string): number {
  const count = Number(stored.split("\t", 3)[1]);
  return Number.isSafeInteger(count) && count > 0 ? count : 0;
}

/** The stored line of a plugin's verdicts (none for a name that cannot be a key). */
export function verdictLine(name: string, plugin: PluginVerdicts): string | undefined {
  if (breaksLine(name)) return undefined;
  const count = Object.keys(plugin.versions).length;
  return `${name}\t${plugin.context}\t${count}\t${JSON.stringify(plugin.versions)}`;
}

/** The text of a store of stored lines (`verdictLine`, or as read back with their names). */
export function verdictsText(lines: readonly string[]): string {
  return keyedLinesText(VERDICTS_FORMAT, lines);
}

/** The text of a whole store. */
export function verdictStoreText(verdicts: VerdictStore): string {
  return verdictsText(
    Object.entries(verdicts).flatMap(([name, plugin]) => {
      const line = verdictLine(name, plugin);
      return line === undefined ? [] : [line];
    }),
  );
}

const SEVERITIES = new Set(["error", "warning", "info"]);

function isFinding(f: unknown): f is Finding {
  return (
    isObject(f) &&
    typeof f.code === "string" &&
    Object.hasOwn(CODES, f.code) &&
    typeof f.severity === "string" &&
    SEVERITIES.has(f.severity) &&
    typeof f.message === "string" &&
    typeof f.file === "string" &&
    typeof f.pointer === "string" &&
    (f.line === undefined || Number.isInteger(f.line)) &&
    (f.column === undefined || Number.isInteger(f.column))
  );
}

function isLookups(v: unknown): v is [string, string][] {
  return (
    Array.isArray(v) &&
    v.every((l) => Array.isArray(l) && l.length === 2 && typeof l[0] === "string" && typeof l[1] === "string")
  );
}

function isDependencies(v: unknown): v is Dependency[] {
  return Array.isArray(v) && v.every((d) => isObject(d) && typeof d.name === "string");
}

function isVerdict(v: unknown): v is Verdict {
  return (
    isObject(v) &&
    typeof v.key === "string" &&
    typeof v.valid === "boolean" &&
    isLookups(v.lookups) &&
    Array.isArray(v.findings) &&
    v.findings.every(isFinding) &&
    v.valid === !v.findings.some((f) => (f as Finding).severity === "error") &&
    (v.dependencies === undefined || isDependencies(v.dependencies))
  );
}

/**
 * Verdict summaries: what all of one plugin's verdicts come to, remembered beside the store so
 * that a plugin none of whose inputs changed is reused whole, without the store being parsed
 * (one short line per plugin, against every manifest's verdict). A summary is reusable under
 * exactly the conditions every one of its verdicts would be: the same context, the same version
 * files with the same keys (its digest), and every lookup any of them made answering the same.
 */
export const SUMMARIES_FORMAT = "finfocus-registry/verdict-summaries/1";

/** A plugin's verdicts, summed up: every version's findings and which versions are valid. */
export interface PluginSummary {
  /** Every version's findings, in the order of the plugin's version files. */
  findings: Finding[];
  /** The valid versions, in the same order. */
  valid: string[];
  /**
   * The dependencies of the latest valid version (by SemVer precedence), when it has any: all
   * that registry-wide checks need of a plugin reused whole.
   */
  dependencies: Record<string, Dependency[]>;
}

/** The digest of a plugin's context and its version files' keys, in its listing's order. */
export function summaryDigest(context: string, files: readonly (readonly [string, string])[]): string {
  let text = `${SUMMARIES_FORMAT}\0${context}`;
  for (const [version, key] of files) text += `\0${version}\0${key}`;
  return hash("sha256", text);
}

/**
 * The summary line of plugin `name` from its verdicts (`order`: its version files, in its
 * listing's order; each has a verdict), under its context.
 */
export function summaryLine(
  name: string,
  context: string,
  order: readonly string[],
  verdicts: Record<string, Verdict>,
): string | undefined {
  const lookups = new Map<string, string>();
  const summary: PluginSummary = { findings: [], valid: [], dependencies: {} };
  const files: [string, string][] = [];
  for (const version of order) {
    const verdict = verdicts[version];
    if (verdict === undefined) return undefined;
    files.push([version, verdict.key]);
    for (const [looked, text] of verdict.lookups) lookups.set(looked, text);
    for (const f of verdict.findings) summary.findings.push(f);
    if (verdict.valid) summary.valid.push(version);
  }
  const latest = sortByVersion([...summary.valid], (v) => v).at(-1);
  const dependencies = latest === undefined ? undefined : verdicts[latest]?.dependencies;
  if (latest !== undefined && dependencies && dependencies.length > 0)
    summary.dependencies[latest] = dependencies;
  if (breaksLine(name)) return undefined;
  const value = { lookups: [...lookups], ...summary };
  return `${name}\t${summaryDigest(context, files)}\t${order.length}\t${JSON.stringify(value)}`;
}

/** The summary lines of a text (anything, untrusted) by plugin name: `${digest}\t${count}\t${json}`. */
export function readSummaries(bytes: Uint8Array | undefined): Map<string, string> {
  return readKeyedLines(bytes, SUMMARIES_FORMAT);
}

/**
 * The summary stored for a plugin (`stored`, from `readSummaries`) if it is reusable: its digest
 * is `digest` (the plugin's context and its version files' keys now) and every lookup its
 * verdicts made answers the same; otherwise undefined. `answers` as for `reusableVerdict`.
 */
export function reusableSummary(
  stored: string | undefined,
  digest: string,
  lookup: Lookup,
  answers: Map<string, string> = new Map(),
): PluginSummary | undefined {
  if (stored === undefined || !stored.startsWith(`${digest}\t`)) return undefined;
  const json = stored.indexOf("\t", digest.length + 1);
  if (json === -1) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(stored.slice(json + 1));
  } catch {
    return undefined;
  }
  if (!isSummary(value) || !answerSame(value.lookups, lookup, answers)) return undefined;
  return { findings: value.findings, valid: value.valid, dependencies: value.dependencies };
}

function isSummary(v: unknown): v is PluginSummary & { lookups: [string, string][] } {
  return (
    isObject(v) &&
    isLookups(v.lookups) &&
    Array.isArray(v.findings) &&
    v.findings.every(isFinding) &&
    Array.isArray(v.valid) &&
    v.valid.every((version) => typeof version === "string") &&
    isObject(v.dependencies) &&
    Object.values(v.dependencies).every(isDependencies)
  );
}

/** The text of summary lines. */
export function summariesText(lines: readonly string[]): string {
  return keyedLinesText(SUMMARIES_FORMAT, lines);
}
