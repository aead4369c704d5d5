/**
 * Findings floods (issue: resource exhaustion): a manifest under the size cap that fails in a few
 * hundred thousand places gives at most MAX_FINDINGS_PER_FILE findings plus one that counts the
 * rest, never a stack overflow or a quadratic hang.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { append, capPerFile, MAX_FINDINGS_PER_FILE } from "../../core/findings.ts";
import type { Finding } from "../../core/findings.types.ts";
import { loadJson } from "../../core/json/load-json.ts";
import { validateManifest } from "../../core/validate/validate-manifest.ts";

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

function assertCapped(findings: Finding[], code: string, total: number): void {
  assert.equal(findings.length, MAX_FINDINGS_PER_FILE + 1);
  assert.ok(findings.slice(0, -1).every((f) => f.code === code && f.line !== undefined));
  const summary = findings.at(-1);
  assert.equal(summary?.code, "FINDINGS_TRUNCATED");
  assert.equal(summary?.severity, "error");
  assert.equal(summary?.pointer, "");
  assert.match(summary?.message ?? "", new RegExp(`^${total - MAX_FINDINGS_PER_FILE} more findings`));
}

test("170,000 duplicate keys: 100 findings and one that counts the rest", () => {
  const n = 170_000;
  const text = `{${Array.from({ length: n }, () => '"a":1').join(",")}}`;
  assert.ok(text.length < 1024 * 1024, "under the size cap");
  const { findings } = validateManifest(encode(text), "m.json");
  assertCapped(findings, "JSON_DUPLICATE_KEY", n - 1);
});

test("50,000 prototype keys: capped, each kept one with its position", () => {
  const n = 50_000;
  const text = `[${Array.from({ length: n }, () => '{"__proto__":1}').join(",")}]`;
  const { findings } = loadJson(encode(text), { file: "m.json" });
  assertCapped(findings, "JSON_FORBIDDEN_KEY", n);
  assert.equal(findings[0]?.pointer, "/0/__proto__", "the first ones, in document order");
  assert.equal(findings[1]?.pointer, "/1/__proto__");
});

test("50,000 unknown fields fail the schema: capped before positions are computed", () => {
  const n = 50_000;
  const text = `{${Array.from({ length: n }, (_, i) => `"k${i}":1`).join(",")}}`;
  const { findings } = validateManifest(encode(text), "m.json");
  const schema = findings.filter((f) => f.code === "MANIFEST_INVALID");
  assert.equal(schema.length, MAX_FINDINGS_PER_FILE);
  assert.equal(findings.at(-1)?.code, "FINDINGS_TRUNCATED");
  assert.ok(findings.every((f) => f.code === "FINDINGS_TRUNCATED" || f.line !== undefined));
});

test("append takes arrays far past the argument limit; capPerFile keeps order and counts per file", () => {
  const many: Finding[] = Array.from({ length: 300_000 }, (_, i) => ({
    code: "UNSAFE_TEXT",
    severity: i === 250_000 ? "error" : "warning",
    message: "m",
    file: i % 2 === 0 ? "a.json" : "b.json",
    pointer: `/${i}`,
  }));
  const target: Finding[] = [];
  assert.equal(append(target, many).length, 300_000);
  const capped = capPerFile(many);
  assert.equal(capped.length, 2 * (MAX_FINDINGS_PER_FILE + 1));
  const summaries = capped.filter((f) => f.code === "FINDINGS_TRUNCATED");
  assert.deepEqual(
    summaries.map((f) => [f.file, f.severity]),
    [
      ["a.json", "error"],
      ["b.json", "warning"],
    ],
    "the summary carries the worst severity it stands for",
  );
  assert.deepEqual(capPerFile(many.slice(0, 10)), many.slice(0, 10), "under the cap: unchanged");
});
