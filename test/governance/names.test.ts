import assert from "node:assert/strict";
import { test } from "node:test";
import { editDistance, normalizeName } from "../../core/governance/names.ts";

test("normalization folds punctuation, lookalike digits and letters (R1)", () => {
  const same: [string, string][] = [
    ["my_plugin", "my-plugin"],
    ["my.plugin", "myplugin"],
    ["finf0cus-x", "finfocus-x"],
    ["f1nfocus", "finfocus"],
    ["flnfocus", "finfocus"],
    ["finfocus-аws", "finfocus-aws"], // Cyrillic а
    ["ѕеcurity", "security"], // Cyrillic ѕ, е
    ["αws", "aws"], // Greek alpha
    ["ｆｉｎｆｏｃｕｓ", "finfocus"], // full-width, NFKC
    ["FinFocus", "finfocus"],
  ];
  for (const [a, b] of same) assert.equal(normalizeName(a), normalizeName(b), `${a} vs ${b}`);
  assert.notEqual(normalizeName("finfocus-aws"), normalizeName("finfocus-gcp"));
});

test("edit distance is capped and exact for small distances", () => {
  assert.equal(editDistance("finfocus", "finfocus"), 0);
  assert.equal(editDistance("finfocus", "finfocuss"), 1);
  assert.equal(editDistance("finfocus", "finfokus"), 1);
  assert.equal(editDistance("finfocus", "fnfcus"), 2);
  assert.equal(editDistance("abc", "abcdef", 1), 2);
  assert.equal(editDistance("kitten", "sitting", 5), 3);
});
