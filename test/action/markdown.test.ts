import assert from "node:assert/strict";
import { test } from "node:test";
import { readEvent } from "../../action/event.ts";
import { renderComment } from "../../action/report/publish.ts";
import { markdownCode as code, markdownText as escapeMarkdown } from "../../core/text/markdown.ts";

test("untrusted text is inert in markdown: HTML, links, table pipes, newlines, bidi controls (J5, G4)", () => {
  const hostile = "<img src=x onerror=alert(1)> [x](javascript:alert(1)) a|b\nnext \u202Eevil $(id)";
  const out = escapeMarkdown(hostile);
  assert.doesNotMatch(out, /<img/);
  assert.doesNotMatch(out, /\]\(/);
  assert.doesNotMatch(out, /[^\\]\|/);
  assert.doesNotMatch(out, /\n|\u202E/);
  assert.match(out, /\\\[U\\\+202E\\\]/);
  assert.match(out, /\$\\\(id\\\)/);
  assert.equal(code("a`b\u2066c"), "`a'b[U+2066]c`");
});

test("the comment starts with the hidden marker and escapes finding messages", () => {
  const body = renderComment({
    mode: "pull_request",
    valid: false,
    failOn: "error",
    prNumber: 3,
    sha: "a".repeat(40),
    changedPlugins: ["x"],
    versions: [],
    findings: [
      {
        code: "NOT_AN_OWNER",
        severity: "error",
        message: "<script>x</script>",
        file: "f.json",
        pointer: "/owners",
      },
    ],
  });
  assert.match(body, /^<!-- finfocus-registry-gate -->\n/);
  assert.doesNotMatch(body, /<script>/);
});

test("the event payload must carry SHAs and a numeric author id", async () => {
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(join(tmpdir(), "gate-event-"));
  const write = (value: unknown) => {
    const path = join(dir, `${Math.random()}.json`);
    writeFileSync(path, JSON.stringify(value));
    return path;
  };
  const pr = (over: Record<string, unknown>) => ({
    pull_request: {
      number: 1,
      user: { id: 5, login: "a" },
      base: { sha: "a".repeat(40), repo: { full_name: "o/r" } },
      head: { sha: "b".repeat(40), repo: { full_name: "f/r" } },
      ...over,
    },
  });
  const ok = await readEvent("pull_request", write(pr({})));
  assert.equal(ok.kind === "pull_request" && ok.fromFork, true);
  await assert.rejects(readEvent("pull_request", write(pr({ base: { sha: "--output=/tmp/x" } }))));
  await assert.rejects(readEvent("pull_request_target", write(pr({ user: { id: "5" } }))));
  const push = await readEvent("push", write({ after: "c".repeat(40) }));
  assert.deepEqual(push, { kind: "full", sha: "c".repeat(40) });
});
