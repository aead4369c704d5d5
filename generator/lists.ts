/**
 * The registry-wide lists (the plugin index, registry.json) of a rebuild, from the bytes the
 * previous build wrote for them: what they show of a plugin whose parts are those the previous
 * build published (`CachedPluginModel.published`) is taken from the previous text as it is, and
 * only the other plugins' members are rendered. The result is the text `canonicalJson` gives for
 * the whole document: a member of a container one level below the top is rendered by
 * `JSON.stringify(…, null, 2)` as the member alone is, each of its lines indented by four more
 * spaces, and members are separated by a comma and a line break (json.ts). A previous text that
 * does not read as expected (a member missing, a name out of place) gives undefined: the caller
 * renders the document whole.
 */
import { canonicalJson, sorted } from "./json.ts";
import type { BuildModel } from "./model.types.ts";

/** A value no document holds, rendered as the one member of the container to splice. */
const MARK = "\u0000finfocus-lists\u0000";

/** An index-like name is listed first by any object, in numeric order: not spliced by name order. */
const INDEX_LIKE = /^[0-9]+$/;

/** One level below the top: the indentation of a member's first line. */
const INDENT = "\n    ";

/** `value` rendered as a member two levels down (see the module comment). */
function member(value: unknown): string {
  return JSON.stringify(sorted(value), null, 2).replaceAll("\n", INDENT);
}

/**
 * The document rendered around one marked member (`marked`: the container with it; `named`: the
 * member is `"<mark>": 0`), split at it: the text before the members and the text after them.
 */
function frame(
  document: object,
  marked: object,
  named: boolean,
): { before: string; after: string } | undefined {
  const text = canonicalJson({ ...document, ...marked });
  const mark = named ? `${JSON.stringify(MARK)}: 0` : JSON.stringify(MARK);
  const at = text.indexOf(mark);
  // The member starts its line, one level below the top.
  if (at === -1 || text.indexOf(mark, at + 1) !== -1 || text.lastIndexOf(INDENT, at) !== at - INDENT.length)
    return undefined;
  return { before: text.slice(0, at), after: text.slice(at + mark.length) };
}

/** A line one level below the top: a member's first line (after the first) or its closing line. */
const MEMBER_LINE = /\n {4}[^ ]/g;

/**
 * The members of the container that `before` opens in `previous`, each as its text; undefined
 * when `previous` does not hold the container once, each member an object.
 */
function previousMembers(previous: string, before: string, after: string): string[] | undefined {
  // The container's opening line (its key at the top level, one per document) and closing line.
  const open = before.slice(before.lastIndexOf("\n", before.length - INDENT.length - 1));
  const close = after.slice(0, after.indexOf("\n", 1));
  const start = previous.indexOf(open);
  if (start === -1 || previous.indexOf(open, start + 1) !== -1) return undefined;
  const from = start + open.length;
  const end = previous.indexOf(close, from);
  if (end === -1) return undefined;
  // A member's last line is its closing brace alone, four spaces in: no line within it is.
  const region = previous.slice(from, end);
  const members = region.split(`${INDENT}},${INDENT}`);
  const last = members.length - 1;
  for (let i = 0; i < last; i++) members[i] = `${members[i]}${INDENT}}`;
  if (!members[last]?.endsWith(`${INDENT}}`)) return undefined;
  // Every member an object: its closing line and, but for the first, its first line, no other.
  let lines = 0;
  for (const _ of region.matchAll(MEMBER_LINE)) lines++;
  return lines === 2 * members.length - 1 ? members : undefined;
}

/** The name in a line `"name": "<name>"` of a member, or its own name (a named member). */
function nameOf(text: string, named: boolean): string | undefined {
  let start: number;
  if (named) start = 0;
  else {
    const key = text.indexOf(`${INDENT}  "name": `);
    if (key === -1) return undefined;
    start = key + INDENT.length + 10;
  }
  if (text.charCodeAt(start) !== 34) return undefined;
  // The name's JSON string: up to the first quote not escaped.
  let end = start + 1;
  while (end < text.length && text.charCodeAt(end) !== 34) end += text.charCodeAt(end) === 92 ? 2 : 1;
  try {
    const name = JSON.parse(text.slice(start, end + 1)) as unknown;
    return typeof name === "string" ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `canonicalJson(document)` with `field`'s container spliced: each plugin's member from
 * `previous` when it is published as before (`mine` says so, `fresh` renders it otherwise: its
 * member's text, or undefined when the plugin has none).
 */
function spliced(
  model: BuildModel,
  previous: string,
  document: object,
  marked: object,
  named: boolean,
  fresh: (plugin: BuildModel["plugins"][number]) => string | undefined,
): string | undefined {
  const parts = frame(document, marked, named);
  if (!parts) return undefined;
  const members = previousMembers(previous, parts.before, parts.after);
  if (!members) return undefined;
  const kept = new Map<string, string>();
  for (const text of members) {
    const name = nameOf(text, named);
    if (name === undefined || kept.has(name)) return undefined;
    kept.set(name, text);
  }
  const out: string[] = [];
  for (const plugin of model.plugins) {
    if (named && INDEX_LIKE.test(plugin.name)) return undefined;
    if ("published" in plugin && plugin.published === true) {
      const text = kept.get(plugin.name);
      // The index lists every plugin; registry.json those it can express (none other).
      if (text !== undefined) out.push(text);
      else if (!named) return undefined;
      continue;
    }
    const text = fresh(plugin);
    if (text !== undefined) out.push(text);
  }
  if (out.length === 0) return undefined;
  return `${parts.before}${out.join(`,${INDENT}`)}${parts.after}`;
}

/** The plugin index (`model.index`) from the previous build's bytes of it (see the module comment). */
export function patchedIndex(model: BuildModel, previous: string): string | undefined {
  return spliced(model, previous, model.index, { plugins: [MARK] }, false, (p) => member(p.parts.summary));
}

/** registry.json (`model.registry`) from the previous build's bytes of it (see the module comment). */
export function patchedRegistry(model: BuildModel, previous: string): string | undefined {
  return spliced(model, previous, model.registry, { plugins: { [MARK]: 0 } }, true, (p) =>
    "entry" in p.parts.upstream ? `${JSON.stringify(p.name)}: ${member(p.parts.upstream.entry)}` : undefined,
  );
}
