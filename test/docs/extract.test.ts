/** The docs check itself: it finds examples where they are, and its failures name file and line. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { markdownExamples, siteExamples } from "./examples.ts";
import { script } from "./run-commands.ts";
import { jsonProblems } from "./validate-example.ts";

const doc = [
  "# Title",
  "",
  "```json",
  "{",
  '  "metadata": { "name": "x-plugin", "version": "1.0.0", "description": "An example plugin.", "author": "Acme" },',
  '  "specification": { "spec_version": "0.1.0", "supported_providers": ["aws"], "capabilities": ["actual_cost"],',
  '    "service_definition": { "service_name": "CostSourceService", "package_name": "finfocus.v1", "methods": ["GetActualCost"] } },',
  `  "installation": { "installation_method": "container", "download_url": "ghcr.io/acme/x@sha256:${"0".repeat(64)}" }`,
  "}",
  "```",
  "",
  "- a list",
  "  ```sh",
  "  # illustrative: needs cosign",
  "  cosign version",
  "  ```",
  "~~~bash",
  "echo run me",
  "~~~",
].join("\n");

test("Markdown blocks: language, first line, illustrative reason", () => {
  const found = markdownExamples("docs/x.md", doc);
  assert.deepEqual(
    found.map((e) => [e.lang, e.line, e.illustrative]),
    [
      ["json", 4, undefined],
      ["sh", 14, "needs cosign"],
      ["bash", 18, undefined],
    ],
  );
});

test("a bad manifest example is reported at its file and line, with code and pointer", async () => {
  const [json] = markdownExamples("docs/x.md", doc);
  const problems = await jsonProblems(json!);
  assert.equal(problems.length, 1, problems.join("\n"));
  assert.match(
    problems[0]!,
    /^docs\/x\.md:6: manifest example: MANIFEST_INVALID at \/specification\/capabilities\/0: /,
  );
  assert.deepEqual(await jsonProblems({ file: "a.md", line: 3, lang: "json", text: '"signers": {}' }), [
    "a.md:3: a JSON example must be a whole JSON document: Unexpected non-whitespace character after JSON at position 9 (line 1 column 10)",
  ]);
});

test("site pages: commands with their illustrative note, code blocks, source lines by id", () => {
  const source =
    'a\n<Command id="cmd-a" illustrative="needs cosign" />\n<Command id="cmd-b" />\n<code id="tpl">';
  const html =
    '<div class="command" data-illustrative="needs cosign"><span>x</span><div><pre><code id="cmd-a">cosign version</code></pre></div></div>' +
    '<div class="command"><pre><code id="cmd-b">echo a &amp;&amp; echo b</code></pre></div>' +
    '<pre class="code"><code id="tpl">{"owners": []}</code></pre>';
  assert.deepEqual(
    siteExamples(html, "site/src/pages/p.astro", source).map((e) => [e.lang, e.line, e.text, e.illustrative]),
    [
      ["sh", 2, "cosign version", "needs cosign"],
      ["sh", 3, "echo a && echo b", undefined],
      ["json", 4, '{"owners": []}', undefined],
    ],
  );
});

test("the run: port 4321 swapped, background servers awaited, && left alone", () => {
  const s = script("serve --port 4321 &   # bg\ncurl http://127.0.0.1:4321/ && echo ok", 5555);
  assert.match(
    s,
    /serve --port 5555 & {3}# bg\n__await 5555\ncurl http:\/\/127\.0\.0\.1:5555\/ && echo ok\n$/,
  );
});
