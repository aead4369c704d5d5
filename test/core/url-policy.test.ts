import assert from "node:assert/strict";
import { test } from "node:test";
import { resolvedHttpUrl, urlProblem } from "../../core/url-policy.ts";

test("a registry's URL field resolves against its base only to an http(s) URL; anything else is none, never a throw", () => {
  const base = "https://registry.example.test/";
  assert.equal(resolvedHttpUrl("api/v1/", base), "https://registry.example.test/api/v1/");
  assert.equal(
    resolvedHttpUrl("/api/v1/", "https://registry.example.test/a/b/"),
    "https://registry.example.test/api/v1/",
  );
  assert.equal(resolvedHttpUrl("https://cdn.example.test/v1/", base), "https://cdn.example.test/v1/");
  assert.equal(resolvedHttpUrl("//cdn.example.test/v1/", base), "https://cdn.example.test/v1/");
  assert.equal(resolvedHttpUrl("http://127.0.0.1:8080/", base), "http://127.0.0.1:8080/");
  for (const bad of [
    "a:!",
    "http://[",
    "http://[::",
    "javascript:alert(1)",
    "file:///etc/",
    "data:,x",
    "mailto:a@b",
  ])
    assert.equal(resolvedHttpUrl(bad, base), undefined, bad);
  // Whether a URL it gives may be fetched stays urlProblem's decision.
  assert.match(urlProblem(resolvedHttpUrl("http://mirror.example.test/", base) ?? "") ?? "", /http:\/\//);
});
