/**
 * A plugin's entry.json remembered by its file stamp (file-stamps.ts) with its value as validated:
 * a load that takes stamps stats each entry instead of opening, reading and validating it while
 * its stamp and the validating code are the same. Without this, a rebuild after one new version
 * read and validated every plugin's entry (10,000 of them in the benchmark) on the main thread.
 *
 * Only an entry with no finding at all is remembered (one with findings is read and judged on
 * every load, so its findings keep their positions and wording), under the key of its path in
 * the stamps' lines, with the stamp, a tag of the code that validated it, and the value as JSON
 * on one line. The same rules as a manifest's stamp hold: stamped before it is read, remembered
 * only when it last changed at least STAMP_MARGIN_NS before the load began ("racily clean"), and a
 * line that is not well-formed, of another stamp or of other code is ignored (the file is read).
 */
import { hash } from "node:crypto";
import type { Result } from "../findings.types.ts";
import { breaksLine } from "../keyed-lines.ts";
import type { Entry } from "../registry.types.ts";
import { validateEntry } from "../validate/validate-documents.ts";
import { type LoadStamps, type ReadFile, STAMP_MARGIN_NS } from "./file-stamps.ts";
import type { FileStamp, RegistrySource } from "./source.types.ts";

/** The tag of the code that validates entries (the adapter's identity of it), as stored in a line. */
export function entryCodeTag(code: string): string {
  return hash("sha256", `entry\0${code}`).slice(0, 32);
}

/** An entry as `loadEntry` gives it: validated or remembered, with its stamp line to remember. */
export interface LoadedEntry {
  result: Result<Entry>;
  /** "" for none. */
  line: string;
  /** The line is not the one remembered as it was. */
  fresh: boolean;
}

/**
 * The entry at `file` (plugin `name`'s), validated or remembered through `stamps` (see the module
 * comment), and its stamp line to remember ("" for none; `fresh` when it is not the line
 * remembered as it was). Undefined when there is no regular file to read.
 */
export async function loadEntry(
  source: RegistrySource,
  stamps: (LoadStamps & { tag: string }) | undefined,
  file: string,
  name: string,
  read: ReadFile,
): Promise<LoadedEntry | undefined> {
  // Stamped before it is read (an edit in between leaves the old stamp, which the next load sees
  // changed): stat'ed first when a line is remembered, to compare; else as the source opens it.
  const known = stamps?.index.has(file) === true;
  let now: FileStamp | undefined = known ? await source.stamp?.(file) : undefined;
  if (stamps && now && !now.stamp.startsWith("d")) {
    const stored = stamps.index.get(file);
    const prefix = `${now.stamp}\t${stamps.tag}\t`;
    if (stored?.startsWith(prefix)) {
      const value = rememberedValue(stored.slice(prefix.length), name);
      if (value) return { result: { value, findings: [] }, line: `${file}\t${stored}`, fresh: false };
    }
  }
  const bytes = await read(file, stamps && !known ? (stamp) => (now = stamp) : undefined);
  if (bytes === undefined) return undefined;
  const result = validateEntry(bytes, file, name);
  let line = "";
  if (
    stamps &&
    now &&
    !now.stamp.startsWith("d") &&
    result.value &&
    result.findings.length === 0 &&
    now.changedNs < stamps.startedNs - STAMP_MARGIN_NS &&
    !breaksLine(file)
  ) {
    // JSON.stringify writes no raw tab or line break (both are escaped in strings).
    line = `${file}\t${now.stamp}\t${stamps.tag}\t${JSON.stringify(result.value)}`;
  }
  return { result, line, fresh: line !== "" };
}

/**
 * The value of a remembered line (untrusted): an object naming the plugin, else undefined. A
 * valid entry has no `__proto__` key (J3), and JSON.parse makes one an own property anyway.
 */
function rememberedValue(json: string, name: string): Entry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  return (value as { name?: unknown }).name === name ? (value as Entry) : undefined;
}
