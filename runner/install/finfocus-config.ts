/**
 * Edits of the FinFocus CLI's config (`~/.finfocus/config.yaml`), text in, text out: only the
 * `installed_plugins` list changes; every other key, comment and the file's indentation stay as
 * they were (the `yaml` package's document model). A file that does not parse, or whose
 * `installed_plugins` is not a list, is refused rather than rewritten, so nothing is lost.
 * The I/O (path, lock, atomic write) is in finfocus-config-fs.ts.
 */
import { type Document, isMap, isScalar, isSeq, parseDocument, type YAMLSeq } from "yaml";
import type { CliInstalledPlugin } from "../../core/finfocus/cli-layout.ts";

/** A config this module will not edit, and why. */
export class FinfocusConfigError extends Error {
  override readonly name = "FinfocusConfigError";
}

const KEY = "installed_plugins";

function load(text: string): Document {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) throw new FinfocusConfigError(`not valid YAML: ${doc.errors[0]?.message}`);
  if (doc.contents !== null && !isMap(doc.contents))
    throw new FinfocusConfigError("its top level is not a mapping");
  return doc;
}

function list(doc: Document, create: boolean): YAMLSeq | undefined {
  const node = doc.get(KEY, true);
  if (isSeq(node)) return node;
  if (node !== undefined && !(isScalar(node) && node.value === null))
    throw new FinfocusConfigError(`its ${KEY} is not a list`);
  if (!create) return undefined;
  const seq = doc.createNode([]) as YAMLSeq;
  doc.set(KEY, seq);
  return seq;
}

/** The indentation the file already uses (Go's yaml.v3 writes 4, nested lists indented). */
function style(text: string): { indent: number; indentSeq: boolean } {
  const indents = [...text.matchAll(/^( +)[^\s#]/gm)].map((m) => m[1]!.length);
  const indent = indents.length > 0 ? Math.min(...indents) : 4;
  const flush = /^[^\s#][^\n]*:[ \t]*(#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n)*- /m.test(text);
  return { indent: Math.min(Math.max(indent, 2), 8), indentSeq: !flush };
}

const render = (doc: Document, text: string) => doc.toString({ ...style(text), lineWidth: 0 });

/** The `installed_plugins` entries of a config's text (empty when it has none). */
export function installedPlugins(text: string): CliInstalledPlugin[] {
  const seq = list(load(text), false);
  const out: CliInstalledPlugin[] = [];
  for (const item of seq?.items ?? []) {
    if (!isMap(item)) continue;
    const field = (key: string) => {
      const value = item.get(key);
      return typeof value === "string" ? value : value == null ? "" : String(value);
    };
    if (field("name") !== "") out.push({ name: field("name"), url: field("url"), version: field("version") });
  }
  return out;
}

/** `text` with `plugin` recorded: its entry updated in place (comments kept), else appended. */
export function withInstalledPlugin(text: string, plugin: CliInstalledPlugin): string {
  const doc = load(text);
  const seq = list(doc, true)!;
  const found = seq.items.find((item) => isMap(item) && item.get("name") === plugin.name);
  if (isMap(found)) {
    found.set("url", plugin.url);
    found.set("version", plugin.version);
  } else {
    seq.add(doc.createNode({ name: plugin.name, url: plugin.url, version: plugin.version }));
  }
  return render(doc, text);
}

/** `text` without any `installed_plugins` entry named `name` (unchanged when there is none). */
export function withoutInstalledPlugin(text: string, name: string): string {
  const doc = load(text);
  const seq = list(doc, false);
  if (!seq) return text;
  const kept = seq.items.filter((item) => !(isMap(item) && item.get("name") === name));
  if (kept.length === seq.items.length) return text;
  seq.items = kept;
  return render(doc, text);
}
