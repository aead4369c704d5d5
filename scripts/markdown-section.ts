/**
 * Generated sections of Markdown files: the text between two marker comments is replaced, and the
 * result is formatted the way `npm test` checks it (biome), so a generated doc passes lint.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** `text` with what lies between `start` and `end` replaced by `body`. */
export function replaceSection(text: string, start: string, end: string, body: string, file: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} lacks the ${start} … ${end} markers.`);
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}

/** Formats Markdown with biome, as `npm test` checks it. */
export function formatMarkdown(text: string, file: string): string {
  const biome = `${root}node_modules/.bin/biome`;
  const r = spawnSync(biome, ["format", `--stdin-file-path=${file}`], { input: text, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`biome format failed: ${r.stderr}`);
  return r.stdout;
}

/** A table cell: pipes escaped. */
export function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}
