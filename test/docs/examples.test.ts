/**
 * Every example is valid: the JSON examples of README.md, CONTRIBUTING.md, docs/ and the site's
 * pages are judged by core like the registry files they show, and every shell example is run, or
 * marked illustrative (the convention is in test/docs/examples.ts and CONTRIBUTING.md). Failures
 * name the file and line of the example.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { buildSite } from "../../site/build.ts";
import {
  type Example,
  isShell,
  markdownExamples,
  markdownFiles,
  pageSource,
  read,
  siteExamples,
} from "./examples.ts";
import { runExample, type Scratch, scratch } from "./run-commands.ts";
import { jsonProblems, kindOf } from "./validate-example.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const markdown = markdownFiles(root).flatMap((file) => markdownExamples(file, read(root, file)));

/** The static pages of the site (not the per-plugin ones, which show registry data), as built. */
const site: Example[] = [];
let siteDir = "";
before(async () => {
  siteDir = mkdtempSync(join(tmpdir(), "docs-site-"));
  await buildSite({ apiDir: join(root, "test/fixtures/site"), outDir: siteDir, base: "/" });
  for (const html of ["index.html", "publish/index.html", "api/index.html", "404.html"]) {
    const source = pageSource(html);
    site.push(...siteExamples(readFileSync(join(siteDir, html), "utf8"), source, read(root, source)));
  }
});
after(() => rmSync(siteDir, { recursive: true, force: true }));

const all = () => [...markdown, ...site];

describe("JSON examples are valid registry files", () => {
  test("there are manifest, entry.json, config.json and discovery config examples to check", () => {
    const kinds = new Set(
      all()
        .filter((e) => e.lang === "json")
        .map((e) => {
          try {
            return kindOf(JSON.parse(e.text));
          } catch {
            return "broken";
          }
        }),
    );
    for (const kind of ["manifest", "entry", "config", "discovery-config"])
      assert.ok(kinds.has(kind as never), kind);
  });

  test("every JSON example parses and passes core's validation", async () => {
    const problems = (
      await Promise.all(
        all()
          .filter((e) => e.lang === "json")
          .map(jsonProblems),
      )
    ).flat();
    assert.deepEqual(problems, []);
  });

  test("every YAML example parses", () => {
    const problems = all()
      .filter((e) => e.lang === "yaml" || e.lang === "yml")
      .flatMap((e) => {
        try {
          parseYaml(e.text);
          return [];
        } catch (error) {
          return [
            `${e.file}:${e.line}: YAML example does not parse: ${(error as Error).message.split("\n")[0]}`,
          ];
        }
      });
    assert.deepEqual(problems, []);
  });

  test("the site's publish guide shows its templates (the check reaches them)", () => {
    const templates = site.filter((e) => e.file === "site/src/pages/publish.astro" && e.lang === "json");
    assert.deepEqual(templates.map((e) => kindOf(JSON.parse(e.text))).sort(), ["entry", "manifest", "other"]);
  });
});

describe("shell examples run, or say why not", () => {
  test("every shell example is run below or marked illustrative with a reason", () => {
    const unmarked = all().filter((e) => isShell(e) && e.illustrative === "marked illustrative");
    assert.deepEqual(
      unmarked.map((e) => `${e.file}:${e.line}: say why it is illustrative: "# illustrative: <why>"`),
      [],
    );
  });

  let s: Scratch;
  before(() => {
    s = scratch(root);
  });
  after(() => s.close());

  const runnable = () => all().filter((e) => isShell(e) && e.illustrative === undefined);
  test("the examples that are run", () => {
    assert.ok(
      runnable().length >= 4,
      runnable()
        .map((e) => `${e.file}:${e.line}`)
        .join(", "),
    );
  });

  test("each runs and exits 0 (fix it, or mark it `# illustrative: <why>`)", async (t) => {
    for (const example of runnable()) {
      await t.test(`${example.file}:${example.line}`, async () => {
        const r = await runExample(s, example.text);
        assert.equal(r.code, 0, `${example.file}:${example.line}: the example exits ${r.code}:\n${r.output}`);
      });
    }
  });
});
