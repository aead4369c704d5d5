/** J5 helpers: bidi controls made visible, only http(s) links, stable dates. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { normalizeBase } from "../../site/build.ts";
import { cleanText, displayJson, formatDate, githubHref, href, safeHref } from "../../site/lib/text.ts";

test("bidi controls become visible labels; other text is unchanged", () => {
  assert.equal(cleanText("abc\u202Edef\u202C"), "abc[U+202E]def[U+202C]");
  assert.equal(cleanText("x\u2066y\u2069\u200F"), "x[U+2066]y[U+2069][U+200F]");
  assert.equal(cleanText("<b>plain</b>"), "<b>plain</b>");
  assert.equal(displayJson({ a: "\u202E" }), '{\n  "a": "\\u202e"\n}');
});

test("only absolute http(s) URLs without credentials become links", () => {
  assert.equal(safeHref("https://example.com/x"), "https://example.com/x");
  for (const bad of [
    "javascript:alert(1)",
    " JAVASCRIPT:alert(1)",
    "data:text/html,<b>",
    "vbscript:x",
    "//evil.example",
    "/relative",
    "https://user:pass@example.com/",
    "https://example.com/\u202Eevil",
  ]) {
    assert.equal(safeHref(bad), undefined, bad);
  }
  assert.equal(
    safeHref("https://example.com/ok"),
    "https://example.com/ok",
    "no lastIndex leak between calls",
  );
  assert.equal(githubHref("owner/repo"), "https://github.com/owner/repo");
  assert.equal(githubHref("javascript:alert(1)"), undefined);
});

test("dates, URLs under the base path", () => {
  assert.equal(formatDate("2026-11-18T23:59:00Z"), "18 Nov 2026");
  assert.equal(href("/registry/", "plugins", "a b", "1.0.0+x"), "/registry/plugins/a%20b/1.0.0%2Bx/");
  assert.equal(normalizeBase("registry"), "/registry/");
  assert.equal(normalizeBase("/"), "/");
  assert.equal(normalizeBase(""), "/");
});
