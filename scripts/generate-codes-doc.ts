/**
 * Writes the code tables of docs/findings.md (between `<!-- codes:start -->` and
 * `<!-- codes:end -->`) from the one catalogue, core/codes/, so the doc and the code never drift.
 * `--check` exits 1 when the doc is stale (a test runs this). Run: node scripts/generate-codes-doc.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CODES, type CodeInfo, SECTIONS } from "../core/codes/codes.ts";
import { cell, formatMarkdown, replaceSection } from "./markdown-section.ts";

const DOC = fileURLToPath(new URL("../docs/findings.md", import.meta.url));
const START = "<!-- codes:start -->";
const END = "<!-- codes:end -->";

/** What a code is: a finding, an error, the code of an API error document, or several. */
function kind(info: CodeInfo): string {
  return [
    ...(info.severity ? ["finding"] : []),
    ...(info.exit ? ["error"] : []),
    ...(info.http ? [`API ${info.http}`] : []),
  ].join(", ");
}

/** The generated Markdown: one table per section of the catalogue. */
export function renderCodesDoc(): string {
  const entries = Object.entries(CODES) as [string, CodeInfo][];
  const parts = [
    "<!-- Generated from core/codes/ by scripts/generate-codes-doc.ts: do not edit by hand. -->",
  ];
  for (const section of SECTIONS) {
    const rows = entries.filter(([, info]) => info.section === section.id);
    if (rows.length === 0) continue;
    parts.push(
      "",
      `### ${section.title}`,
      "",
      section.intro,
      "",
      "| code | raised as | severity | exit | meaning |",
      "| --- | --- | --- | --- | --- |",
      ...rows.map(
        ([code, info]) =>
          `| \`${code}\` | ${kind(info)} | ${info.severity ?? ""} | ${info.exit ?? ""} | ${cell(info.meaning)} |`,
      ),
    );
  }
  return parts.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const doc = readFileSync(DOC, "utf8");
  const next = formatMarkdown(
    replaceSection(doc, START, END, renderCodesDoc(), "docs/findings.md"),
    "docs/findings.md",
  );
  if (process.argv.includes("--check")) {
    if (next !== doc) {
      process.stderr.write("docs/findings.md is stale: run node scripts/generate-codes-doc.ts\n");
      process.exit(1);
    }
  } else {
    writeFileSync(DOC, next);
  }
}
