/**
 * Writes the README's Action section (between `<!-- action-docs:start -->` and
 * `<!-- action-docs:end -->`) from action.yml, and the inputs and outputs of
 * docs/release-action.md (`<!-- release-action-docs:start -->` … `end -->`) from
 * release/action.yml, so they never drift. `--check` exits 1 when either is stale (the test runs
 * this). Run: node scripts/generate-action-docs.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cell, formatMarkdown, replaceSection } from "./markdown-section.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const START = "<!-- action-docs:start -->";
const END = "<!-- action-docs:end -->";
const RELEASE_START = "<!-- release-action-docs:start -->";
const RELEASE_END = "<!-- release-action-docs:end -->";

interface Field {
  name: string;
  props: Record<string, string>;
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.startsWith('"') && v.endsWith('"')) return JSON.parse(v) as string;
  if (v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1).replace(/''/g, "'");
  return v;
}

/**
 * Reads the `inputs:` or `outputs:` map of action.yml. Supports the subset action.yml uses:
 * two-space nesting, plain or quoted scalars, and folded `>-` blocks.
 */
export function readSection(yml: string, section: "inputs" | "outputs"): Field[] {
  const lines = yml.split("\n");
  const fields: Field[] = [];
  let i = lines.indexOf(`${section}:`);
  if (i < 0) return fields;
  for (i++; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\S/.test(line)) break;
    const name = /^ {2}([\w-]+):\s*$/.exec(line);
    if (name) {
      fields.push({ name: name[1]!, props: {} });
      continue;
    }
    const prop = /^ {4}([\w-]+):\s*(.*)$/.exec(line);
    const field = fields.at(-1);
    if (!prop || !field) continue;
    const [, key = "", raw = ""] = prop;
    if (raw === ">-" || raw === ">") {
      const folded: string[] = [];
      while (i + 1 < lines.length && /^ {6}/.test(lines[i + 1]!)) folded.push(lines[++i]!.trim());
      field.props[key] = folded.join(" ");
    } else {
      field.props[key] = unquote(raw);
    }
  }
  return fields;
}

/** The inputs and outputs of an action.yml as markdown tables. */
function tables(yml: string): string[] {
  const inputs = readSection(yml, "inputs");
  const outputs = readSection(yml, "outputs");
  return [
    "### Inputs",
    "",
    "| input | default | description |",
    "| --- | --- | --- |",
    ...inputs.map(
      (f) =>
        `| \`${f.name}\` | ${f.props.default ? `\`${cell(f.props.default)}\`` : "(none)"} | ${cell(f.props.description ?? "")} |`,
    ),
    "",
    "### Outputs",
    "",
    "| output | description |",
    "| --- | --- |",
    ...outputs.map((f) => `| \`${f.name}\` | ${cell(f.props.description ?? "")} |`),
  ];
}

/** The generated markdown for the README. */
export function renderActionDocs(yml: string): string {
  const inputs = readSection(yml, "inputs");
  const usage = [
    "```yaml",
    "- uses: <owner>/finfocus-registry@<full commit SHA> # vX.Y.Z",
    "  with:",
    ...inputs.map(
      (f) =>
        `    # ${f.props.description ?? ""}\n    # Default: ${f.props.default || '""'}\n    ${f.name}: ""`,
    ),
    "```",
  ];
  return [
    "<!-- Generated from action.yml by scripts/generate-action-docs.ts: do not edit by hand. -->",
    "",
    "Copy the workflows in [`workflows/`](workflows/) into `.github/workflows/` of a registry repository;",
    "see [docs/action.md](docs/action.md) for the security model.",
    "",
    ...usage,
    "",
    ...tables(yml),
  ].join("\n");
}

/** The generated inputs and outputs of docs/release-action.md. */
export function renderReleaseDocs(yml: string): string {
  return [
    "<!-- Generated from release/action.yml by scripts/generate-action-docs.ts: do not edit by hand. -->",
    "",
    ...tables(yml),
  ].join("\n");
}

/** The README with its Action section replaced. */
export function updateReadme(readme: string, docs: string): string {
  return replaceSection(readme, START, END, docs, "README.md");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const read = (file: string) => readFileSync(`${root}${file}`, "utf8");
  const targets = [
    { file: "README.md", next: (text: string) => updateReadme(text, renderActionDocs(read("action.yml"))) },
    {
      file: "docs/release-action.md",
      next: (text: string) =>
        replaceSection(
          text,
          RELEASE_START,
          RELEASE_END,
          renderReleaseDocs(read("release/action.yml")),
          "docs/release-action.md",
        ),
    },
  ];
  let stale = false;
  for (const target of targets) {
    const current = read(target.file);
    const next = formatMarkdown(target.next(current), target.file);
    if (next === current) continue;
    if (process.argv.includes("--check")) {
      process.stderr.write(
        `${target.file}'s generated Action section is stale: run node scripts/generate-action-docs.ts\n`,
      );
      stale = true;
    } else writeFileSync(`${root}${target.file}`, next);
  }
  if (stale) process.exit(1);
}
