/**
 * Examples shown to readers, extracted with the file and line they come from: fenced code blocks
 * of the Markdown documentation, and the code blocks and copyable commands of the site's pages as
 * the built site renders them (mapped back to the page's source line).
 *
 * The convention (CONTRIBUTING.md, "Examples in the documentation"):
 * - a JSON example is a whole document: manifests, entry.json, config.json and discovery configs
 *   are validated by core like registry files, other JSON must parse; a fence marked
 *   `json manifest-template` is a release Action template, validated as the Action fills it;
 * - a shell example is run by test/docs/examples.test.ts, unless it is marked illustrative:
 *   in Markdown its first line is `# illustrative: <why>`; on the site the Command component
 *   has `illustrative="<why>"`, shown next to its label.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface Example {
  /** Repository-relative source file. */
  file: string;
  /** 1-based line of the example in that file (Markdown: its first content line). */
  line: number;
  /** The fence's language, or "json" / "sh" / "yaml" as the site shows it. */
  lang: string;
  /** The rest of the fence's info string: `manifest-template` marks a release Action template. */
  info?: string;
  text: string;
  /** Why the example is shown but not run, when it is marked so. */
  illustrative?: string;
}

const SHELL = new Set(["sh", "bash", "shell", "console", "zsh"]);

/** True for shell examples (the ones that are run or marked illustrative). */
export const isShell = (e: Example): boolean => SHELL.has(e.lang);

const MARK = /^#\s*illustrative\b:?\s*(.*)$/;

/** Fenced code blocks (``` or ~~~) of a Markdown file. */
export function markdownExamples(file: string, text: string): Example[] {
  const lines = text.split("\n");
  const out: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s{0,3})(`{3,}|~{3,})\s*([\w+-]*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j]!.trim().startsWith(fence)) body.push(lines[j++]!);
    const example: Example = { file, line: i + 2, lang: open[3]!.toLowerCase(), text: body.join("\n") };
    if (open[4]) example.info = open[4].trim();
    const first = body.find((l) => l.trim() !== "")?.trim() ?? "";
    const mark = MARK.exec(first);
    if (mark && SHELL.has(example.lang)) example.illustrative = mark[1] || "marked illustrative";
    out.push(example);
    i = j;
  }
  return out;
}

/** The Markdown files whose examples are checked: README.md, CONTRIBUTING.md and docs/**. */
export function markdownFiles(root: string): string[] {
  const docs = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((d) =>
      d.isDirectory() ? docs(`${dir}/${d.name}`) : d.name.endsWith(".md") ? [`${dir}/${d.name}`] : [],
    );
  return ["README.md", "CONTRIBUTING.md", ...docs("docs")];
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'" };
const decode = (html: string): string =>
  html.replace(/&(#x?[0-9a-f]+|\w+);/gi, (m, name: string) => {
    if (ENTITIES[name.toLowerCase()]) return ENTITIES[name.toLowerCase()]!;
    if (name.startsWith("#x")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(Number(name.slice(1)));
    return m;
  });

/** The line of `needle` in `source`, else 1. */
function lineOf(source: string, needle: string): number {
  const at = needle ? source.indexOf(needle) : -1;
  return at < 0 ? 1 : source.slice(0, at).split("\n").length;
}

/**
 * The code blocks of one built page: copyable commands (`.command`, shell) and `<pre>` blocks
 * (JSON when it parses, YAML otherwise). Lines point into the page's source, found by the block's
 * id (`id="manifest-template"`, `<Command id="cmd-x" …>`) or its first line.
 */
export function siteExamples(html: string, file: string, source: string): Example[] {
  const out: Example[] = [];
  const command = /<div class="command"([^>]*)>[\s\S]*?<code id="([^"]+)"[^>]*>([\s\S]*?)<\/code>/g;
  const commandIds = new Set<string>();
  for (const m of html.matchAll(command)) {
    commandIds.add(m[2]!);
    const note = /data-illustrative="([^"]*)"/.exec(m[1]!)?.[1];
    const example: Example = { file, line: lineOf(source, `id="${m[2]}"`), lang: "sh", text: decode(m[3]!) };
    if (note !== undefined) example.illustrative = decode(note) || "marked illustrative";
    out.push(example);
  }
  for (const m of html.matchAll(/<pre[^>]*><code(?: id="([^"]+)")?[^>]*>([\s\S]*?)<\/code><\/pre>/g)) {
    if (m[1] && commandIds.has(m[1])) continue;
    const text = decode(m[2]!.replace(/<[^>]+>/g, ""));
    let lang = "yaml";
    try {
      JSON.parse(text);
      lang = "json";
    } catch {
      if (/^\s*[[{]/.test(text)) lang = "json";
    }
    const needle = m[1] ? `id="${m[1]}"` : (text.split("\n")[0] ?? "").trim();
    out.push({ file, line: lineOf(source, needle), lang, text });
  }
  return out;
}

/** Built page → its source: index.html → index.astro, publish/index.html → publish.astro. */
export function pageSource(htmlPath: string): string {
  const clean = htmlPath.replace(/\/index\.html$|\.html$/, "");
  return `site/src/pages/${clean === "index" || clean === "" ? "index" : clean}.astro`;
}

/** Reads a file relative to `root`. */
export const read = (root: string, file: string): string => readFileSync(join(root, file), "utf8");
