import assert from "node:assert/strict";
import { test } from "node:test";
import { parseConstraint, satisfies } from "../../core/constraints.ts";
import { bestMatch } from "../../core/versions/pick.ts";

const table: [string, string | undefined, string[], string[]][] = [
  // constraint, semver range (undefined: refused), versions that satisfy, versions that do not
  ["1.2.3", "1.2.3", ["1.2.3"], ["1.2.4", "1.2.2"]],
  ["=1.2.3", "=1.2.3", ["1.2.3"], ["1.3.0"]],
  ["^1.2.3", "^1.2.3", ["1.2.3", "1.9.0"], ["2.0.0", "1.2.2"]],
  ["^0.2.3", "^0.2.3", ["0.2.9"], ["0.3.0"]],
  ["~1.2.3", "~1.2.3", ["1.2.9"], ["1.3.0"]],
  [">=1.2.3", ">=1.2.3", ["1.2.3", "9.0.0"], ["1.2.2"]],
  [">1.2.3", ">1.2.3", ["1.2.4"], ["1.2.3"]],
  ["<=1.2.3", "<=1.2.3", ["1.2.3", "0.1.0"], ["1.2.4"]],
  ["<1.2.3", "<1.2.3", ["1.2.2"], ["1.2.3"]],
  [">=1.2.3,<2.0.0", ">=1.2.3 <2.0.0", ["1.2.3", "1.99.0"], ["2.0.0", "1.2.0"]],
  [">=1.0.0, <1.5.0, !=1.2.0", undefined, [], []],
  ["1.0.0 - 2.0.0", undefined, [], []],
  ["1.x", undefined, [], []],
  ["*", undefined, [], []],
  ["latest", undefined, [], []],
  ["^1.2", undefined, [], []],
  [`${"1".repeat(300)}.0.0`, undefined, [], []],
];

for (const [source, range, yes, no] of table) {
  test(`constraint ${JSON.stringify(source.slice(0, 30))}`, () => {
    const parsed = parseConstraint(source);
    assert.equal(parsed.value?.range, range);
    if (!parsed.value) {
      assert.ok(parsed.error && parsed.error.length > 0);
      return;
    }
    for (const v of yes) assert.ok(satisfies(v, parsed.value), `${v} satisfies ${source}`);
    for (const v of no) assert.ok(!satisfies(v, parsed.value), `${v} does not satisfy ${source}`);
  });
}

test("R4: ^1.2 skips yanked 1.2.1; an exact 1.2.1 still picks it", () => {
  const versions = [
    { version: "1.2.0", yanked: false },
    { version: "1.2.1", yanked: true },
  ];
  assert.equal(bestMatch(versions, parseConstraint("^1.2.0").value!), "1.2.0");
  assert.equal(bestMatch(versions, parseConstraint("1.2.1").value!), "1.2.1");
});

test("prereleases are chosen only when asked or named exactly", () => {
  const versions = [{ version: "1.0.0" }, { version: "1.1.0-beta.1" }];
  assert.equal(bestMatch(versions, parseConstraint("^1.0.0").value!), "1.0.0");
  assert.equal(bestMatch(versions, parseConstraint("^1.0.0").value!, true), "1.1.0-beta.1");
  assert.equal(bestMatch(versions, parseConstraint("1.1.0-beta.1").value!), "1.1.0-beta.1");
});

test("J6: a 50 KB adversarial range is refused by length, not by a slow regular expression", () => {
  const parsed = parseConstraint(`>=1.0.0${" ".repeat(50_000)}<`);
  assert.equal(parsed.value, undefined);
});
