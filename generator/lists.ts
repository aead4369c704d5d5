/**
 * The registry-wide lists (the plugin index, registry.json) of a rebuild, from the bytes the
 * previous build wrote for them: what they show of a plugin whose parts are those the previous
 * build published (`CachedPluginModel.published`) is taken from the previous bytes as they are
 * (runs of such plugins as one slice, the text given in pieces, never joined), and only the other
 * plugins' members are rendered: the summaries and entries of plugins taken from their parts are
 * never read. The result is the text `canonicalJson` gives for the whole document: a member of a
 * container one level below the top is rendered by `JSON.stringify(…, null, 2)` as the member alone
 * is, each of its lines indented by four more spaces, and members are separated by a comma and a
 * line break (json.ts); the text around the members is that of model.ts's document (`pluginIndex`,
 * `upstreamRegistry`) rendered with one marked member. Previous bytes that do not read as expected
 * (a member missing or not an object, a name out of place) give undefined: the caller renders the
 * document whole.
 */
import type { PluginSummary } from "../core/api/api.types.ts";
import { canonicalJson, INDEX_LIKE, sorted } from "./json.ts";
import { pluginIndex, upstreamRegistry } from "./model.ts";
import type { BuildModel, UpstreamRegistryEntry } from "./model.types.ts";
import type { Pieces } from "./output.types.ts";

/** A value no document holds, rendered as the one member of the container to splice. */
const MARK = "\u0000finfocus-lists\u0000";

/** One level below the top: the indentation of a member's first line. */
const INDENT = "\n    ";

/** Between two members: the first one's closing line, then the next one's first line. */
const BETWEEN = Buffer.from(`${INDENT}},${INDENT}`);
const CLOSING = Buffer.from(`${INDENT}}`);
const SEPARATOR = Buffer.from(`,${INDENT}`);

/** `value` rendered as a member two levels down (see the module comment). */
function member(value: unknown): string {
  return JSON.stringify(sorted(value), null, 2).replaceAll("\n", INDENT);
}

/**
 * `document` (whose container holds one marked member; `named`: the member is `"<mark>": 0`)
 * rendered and split at the mark: the text before the members and the text after them.
 */
function frame(document: object, named: boolean): { before: string; after: string } | undefined {
  const text = canonicalJson(document);
  const mark = named ? `${JSON.stringify(MARK)}: 0` : JSON.stringify(MARK);
  const at = text.indexOf(mark);
  // The member starts its line, one level below the top.
  if (at === -1 || text.indexOf(mark, at + 1) !== -1 || text.lastIndexOf(INDENT, at) !== at - INDENT.length)
    return undefined;
  return { before: text.slice(0, at), after: text.slice(at + mark.length) };
}

/**
 * Where each member of the container that `before` opens lies in `previous` ([start, end) pairs,
 * in order); undefined when `previous` does not hold the container once, each member an object
 * (one that starts as `first` requires).
 */
function previousMembers(
  previous: Buffer,
  before: string,
  after: string,
  first: (start: number) => boolean,
): number[] | undefined {
  // The container's opening line (its key at the top level, one per document) and closing line.
  const open = before.slice(before.lastIndexOf("\n", before.length - INDENT.length - 1));
  const close = after.slice(0, after.indexOf("\n", 1));
  const start = previous.indexOf(open);
  if (start === -1 || previous.indexOf(open, start + 1) !== -1) return undefined;
  let from = start + Buffer.byteLength(open);
  const end = previous.indexOf(close, from);
  if (end === -1) return undefined;
  // A member's last line is its closing brace alone, four spaces in: no line within an object
  // member is, so the members are what lies between those lines. Each must start as an object
  // does: a member that is not one would start after such a line.
  const ranges: number[] = [];
  for (;;) {
    if (!first(from)) return undefined;
    const next = previous.indexOf(BETWEEN, from);
    if (next === -1 || next >= end) break;
    ranges.push(from, next + CLOSING.length);
    from = next + BETWEEN.length;
  }
  if (end - from < CLOSING.length || !previous.subarray(end - CLOSING.length, end).equals(CLOSING))
    return undefined;
  ranges.push(from, end);
  return ranges;
}

/** The JSON string at `start` of `bytes` (its first byte a quote), parsed. */
function stringAt(bytes: Buffer, start: number, end: number): string | undefined {
  if (bytes[start] !== 34) return undefined;
  // Up to the first quote not escaped.
  let at = start + 1;
  while (at < end && bytes[at] !== 34) at += bytes[at] === 92 ? 2 : 1;
  if (at >= end) return undefined;
  try {
    const name = JSON.parse(bytes.toString("utf8", start, at + 1)) as unknown;
    return typeof name === "string" ? name : undefined;
  } catch {
    return undefined;
  }
}

/** A summary's `name` member, one level into it. */
const NAME_LINE = Buffer.from(`${INDENT}  "name": `);

/** The plugin a member is of: its `name` member, or its own name (a named member). */
function nameOf(bytes: Buffer, start: number, end: number, named: boolean): string | undefined {
  if (named) return stringAt(bytes, start, end);
  const at = bytes.indexOf(NAME_LINE, start);
  return at === -1 || at >= end ? undefined : stringAt(bytes, at + NAME_LINE.length, end);
}

/**
 * The text of `document` with its marked container's members spliced in: each plugin's member
 * from `previous` when it is published as before, `fresh`'s otherwise (its member's text, or
 * undefined when the plugin has none).
 */
function spliced(
  model: BuildModel,
  previous: Buffer,
  document: object,
  named: boolean,
  fresh: (plugin: BuildModel["plugins"][number]) => string | undefined,
): Pieces | undefined {
  const parts = frame(document, named);
  if (!parts) return undefined;
  const first = named
    ? (at: number) => {
        // `"<name>": {` then a line break.
        const name = stringAt(previous, at, previous.length);
        if (name === undefined) return false;
        const after = at + Buffer.byteLength(JSON.stringify(name));
        return previous.toString("latin1", after, after + 4) === ": {\n";
      }
    : (at: number) => previous[at] === 123 && previous[at + 1] === 10;
  const ranges = previousMembers(previous, parts.before, parts.after, first);
  if (!ranges) return undefined;
  /** Each previous member's index, by its plugin's name. */
  const kept = new Map<string, number>();
  for (let i = 0; i < ranges.length; i += 2) {
    const name = nameOf(previous, ranges[i] as number, ranges[i + 1] as number, named);
    if (name === undefined || kept.has(name)) return undefined;
    kept.set(name, i);
  }
  const chunks: Buffer[] = [Buffer.from(parts.before)];
  // The run of previous members being kept, as one slice (their separators included).
  let runFrom = -1;
  let runTo = -1;
  let last = -1;
  let members = 0;
  const flush = () => {
    if (runFrom === -1) return;
    if (members > 0) chunks.push(SEPARATOR);
    chunks.push(previous.subarray(runFrom, runTo));
    members++;
    runFrom = -1;
  };
  for (const plugin of model.plugins) {
    // An index-like name is listed first by any object, in numeric order: not spliced by name order.
    if (named && INDEX_LIKE.test(plugin.name)) return undefined;
    if ("published" in plugin && plugin.published === true) {
      const i = kept.get(plugin.name);
      // The index lists every plugin; registry.json those it can express (none other).
      if (i === undefined) {
        if (named) continue;
        return undefined;
      }
      // Next to the previous member kept: the same run.
      if (runFrom !== -1 && i === last + 2) runTo = ranges[i + 1] as number;
      else {
        flush();
        runFrom = ranges[i] as number;
        runTo = ranges[i + 1] as number;
      }
      last = i;
      continue;
    }
    const text = fresh(plugin);
    if (text === undefined) continue;
    flush();
    if (members > 0) chunks.push(SEPARATOR);
    chunks.push(Buffer.from(text));
    members++;
  }
  flush();
  if (members === 0) return undefined;
  chunks.push(Buffer.from(parts.after));
  return chunks;
}

/** The plugin index (`model.index`) from the previous build's bytes of it (see the module comment). */
export function patchedIndex(model: BuildModel, previous: Buffer): Pieces | undefined {
  const document = pluginIndex(model.generated_at, [MARK as unknown as PluginSummary]);
  return spliced(model, previous, document, false, (p) => member(p.parts.summary));
}

/** registry.json (`model.registry`) from the previous build's bytes of it (see the module comment). */
export function patchedRegistry(model: BuildModel, previous: Buffer): Pieces | undefined {
  const document = upstreamRegistry({ [MARK]: 0 as unknown as UpstreamRegistryEntry });
  return spliced(model, previous, document, true, (p) =>
    "entry" in p.parts.upstream ? `${JSON.stringify(p.name)}: ${member(p.parts.upstream.entry)}` : undefined,
  );
}
