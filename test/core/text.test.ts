/** core/text: one inert rendering of untrusted text per target (SECURITY.md G8). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { actionsLogText } from "../../core/text/actions-log.ts";
import { htmlJson, htmlText, safeHref } from "../../core/text/html.ts";
import { markdownCode, markdownText } from "../../core/text/markdown.ts";
import { globMatch, searchable, searchIndexes } from "../../core/text/search-filter.ts";
import { terminalOutput, terminalReturn, terminalStyle, terminalText } from "../../core/text/terminal.ts";

test("markdown: no mention, team mention, autolink, reference, HTML or markdown link survives", () => {
  const rendered = markdownText(
    "@user @org/team mail@example.com https://x.example/a HTTP://X www.x.example #12 o/r#3 GH-4 <b> [a](b) ![i](s)",
  );
  const out = rendered.replaceAll("&#8203;", "\u200B"); // what GitHub's filters see
  assert.doesNotMatch(out, /@[a-z]/i);
  assert.doesNotMatch(out, /:\/\/|www\./i);
  assert.doesNotMatch(out, /#\d|GH-\d/);
  assert.doesNotMatch(out, /<b>|\]\(|!\[/);
  assert.match(rendered, /@&#8203;org\/team/, "the text stays readable");
  assert.equal(markdownText("line\nbreak\u202E"), "line break\\[U\\+202E\\]");
  assert.equal(markdownCode("a`b|c\nd\u0007"), "`a'b\\|c d[U+0007]`");
});

test("terminal: values lose every control; the output guard keeps only our own styles and returns", () => {
  assert.equal(
    terminalText("a\u001b]8;;https://x\u0007b\nc\u009b"),
    "a\\u001b]8;;https://x\\u0007b\\u000ac\\u009b",
  );
  const ours = terminalStyle("31", "red");
  assert.equal(
    terminalOutput(`${ours} \u001b[31mforged\n\t${terminalReturn()}x`),
    "\u001b[31mred\u001b[0m \\u001b[31mforged\n\t\rx",
  );
  assert.equal(terminalOutput('{"a": "\u009b\u202e"}'), '{"a": "\\u009b\\u202e"}', "JSON stays JSON");
  // The tag is not a constant: another process's (or a guess) is inert like any other control.
  const forged = ours.replace(/[0-9a-f]{16}/g, "0123456789abcdef");
  assert.equal(terminalOutput(forged), forged.replaceAll("\u001b", "\\u001b"));
  assert.deepEqual(JSON.parse(terminalOutput('{"a": "\u009b"}')), { a: "\u009b" });
});

test("terminal: before this process styled anything, its guard lets no tagged control through", async () => {
  // A module instance of its own, whose tag is not made yet.
  const fresh = (await import(
    `../../core/text/terminal.ts?fresh=${Date.now()}`
  )) as typeof import("../../core/text/terminal.ts");
  const tagged = "\uF8FF0123456789abcdef\uF8FF\u001b[31mforged";
  assert.equal(fresh.terminalOutput(tagged), "\uF8FF0123456789abcdef\uF8FF\\u001b[31mforged");
  assert.equal(fresh.terminalOutput(fresh.terminalStyle("33", "ok")), "\u001b[33mok\u001b[0m");
});

test("Actions log: no line can start a workflow command, no legacy ##[ command anywhere", () => {
  for (const hostile of [
    "x\n::set-output name=a::b",
    "x\n   ::stop-commands::t",
    "x\r::error::y",
    ":::warning::z",
    "a ##[set-output name=a;]b",
  ]) {
    const out = actionsLogText(hostile);
    for (const line of out.split("\n")) assert.doesNotMatch(line, /^\s*::/, JSON.stringify(out));
    assert.doesNotMatch(out, /##\[|\r|::/);
  }
  assert.equal(actionsLogText("\u001b[31mred"), "\\u001b[31mred");
});

test("HTML: hidden characters labelled, JSON escaped, only http(s) links without credentials", () => {
  assert.equal(htmlText("a\u202Eb\u200Bc\u0007"), "a[U+202E]b[U+200B]c[U+0007]");
  assert.equal(htmlJson({ a: "\u2066" }), '{\n  "a": "\\u2066"\n}');
  assert.equal(safeHref("https://x.example/\u200Bevil"), undefined);
  assert.equal(safeHref("https://x.example/ok"), "https://x.example/ok");
});

test("globs: the same answers as the plain recursive definition, and bounded work for any pattern", () => {
  // The definition, exponential but plain: `*` any run, `?` one character, the rest literal.
  const reference = (p: string, t: string): boolean =>
    p === ""
      ? t === ""
      : p[0] === "*"
        ? reference(p.slice(1), t) || (t !== "" && reference(p, t.slice(1)))
        : t !== "" && (p[0] === "?" || p[0] === t[0]) && reference(p.slice(1), t.slice(1));
  let seed = 7;
  const next = () => {
    seed = (seed * 48271) % 2147483647; // Park-Miller: the same cases on every run
    return seed;
  };
  const pick = (chars: string, max: number) =>
    Array.from({ length: next() % (max + 1) }, () => chars[next() % chars.length]).join("");
  for (let i = 0; i < 3000; i++) {
    const pattern = pick("ab*?", 7);
    const text = pick("ab", 7);
    assert.equal(globMatch(pattern, text), reference(pattern, text), `${pattern} ~ ${text}`);
  }
  // A million stars is one star; a pattern needing more characters than the name cannot match.
  assert.ok(globMatch(`${"*".repeat(1_000_000)}x`, "aws-x"));
  assert.ok(!globMatch(`${"?".repeat(1_000_000)}`, "aws-x"));
  const names = Array.from({ length: 1000 }, (_, i) => searchable(`${"a".repeat(45)}${i}`));
  assert.deepEqual(searchIndexes(names, `${"a*".repeat(500_000)}b`), []);
  assert.deepEqual(searchIndexes(names, "A*9?9"), [909, 919, 929, 939, 949, 959, 969, 979, 989, 999]);
});
