/** Small decisions with one home in core: finding order and the fail predicate, invisible characters, the trust policy. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { compareFindings, fails, passes, sortFindings } from "../../core/findings.ts";
import type { Finding } from "../../core/findings.types.ts";
import { decidePolicy } from "../../core/policy/trust-policy.ts";
import { findInvisible, replaceInvisible } from "../../core/text/invisible.ts";

const f = (file: string, code: string, extra: Partial<Finding> = {}): Finding =>
  ({ code, severity: "error", message: "m", file, pointer: "", ...extra }) as Finding;

test("one order of findings: file by code unit, line, column, code, pointer", () => {
  const sorted = sortFindings([
    f("b.json", "X"),
    f("a.json", "Z", { line: 2 }),
    f("a.json", "A", { line: 2 }),
    f("B.json", "X"),
    f("a.json", "A", { line: 1, column: 9 }),
  ]);
  assert.deepEqual(
    sorted.map((x) => `${x.file}:${x.line ?? ""}:${x.code}`),
    ["B.json::X", "a.json:1:A", "a.json:2:A", "a.json:2:Z", "b.json::X"],
  );
  assert.equal(compareFindings(f("a", "A"), f("a", "A")), 0);
});

test("one fail predicate: errors fail; warnings only with fail-on warning", () => {
  const warning = f("a", "W", { severity: "warning" });
  assert.equal(fails(warning), false);
  assert.equal(fails(warning, "warning"), true);
  assert.equal(passes([warning]), true);
  assert.equal(passes([warning, f("a", "E")]), false);
});

test("one set of invisible characters: bidi, zero-width, controls; tabs and newlines only inline", () => {
  for (const ch of [
    "\u202e",
    "\u2066",
    "\u200b",
    "\u200f",
    "\ufeff",
    "\u00ad",
    "\u2028",
    "\u0007",
    "\u009b",
  ]) {
    assert.equal(findInvisible(`a${ch}b`)?.index, 1, `U+${ch.codePointAt(0)?.toString(16)}`);
  }
  assert.equal(findInvisible("tab\tand\nnew line"), undefined);
  assert.equal(replaceInvisible("x\u202ey"), "x[U+202E]y");
  assert.equal(replaceInvisible("a\nb", { inline: true }), "a[U+000A]b");
});

test("the trust policy: untrusted is the lowest level, below any minimum, with no prompt to override it", () => {
  const strict = { min_security_level: "verified" as const, prompt_for_untrusted: true };
  for (const level of ["untrusted", "community"] as const) {
    const decision = decidePolicy("p", level, "none", strict);
    assert.equal(decision.kind, "refuse");
    if (decision.kind === "refuse") assert.equal(decision.findings[0]?.code, "SECURITY_POLICY_VIOLATION");
  }
  assert.equal(decidePolicy("p", "verified", "key", strict).kind, "allow");
  assert.equal(decidePolicy("p", "untrusted", "none", { prompt_for_untrusted: true }).kind, "ask");
  assert.equal(decidePolicy("p", "untrusted", "none", { allow_untrusted: false }).kind, "refuse");
  assert.equal(decidePolicy("p", "untrusted", "none", { allow_untrusted: true }).kind, "allow");
  assert.equal(decidePolicy("p", "official", "none", { require_signature: true }).kind, "refuse");
});
