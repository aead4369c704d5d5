import assert from "node:assert/strict";
import { test } from "node:test";
import { keyedLine, keyedLinesText, readKeyedLines } from "../../core/keyed-lines.ts";

const FORMAT = "finfocus-registry/test/1";
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** `keyedLine` agrees with `readKeyedLines` on `bytes` for every key asked, or defers (null). */
function assertAgrees(bytes: Uint8Array, keys: readonly string[]): void {
  const all = readKeyedLines(bytes, FORMAT);
  for (const key of keys) {
    const found = keyedLine(bytes, FORMAT, key);
    if (found !== null) assert.equal(found, all.get(key), JSON.stringify(key));
  }
}

test("one line found by search is the line the whole split gives: the last of its key, never a longer key's", () => {
  const text = keyedLinesText(FORMAT, [
    "plugin-1\tfirst",
    "plugin-10\tten",
    "plugin-1\tsecond, the last wins",
    "x-plugin-1\tnot plugin-1",
    "empty\t",
    "tabs\ta\tb\tc",
  ]);
  const bytes = encode(text);
  assert.equal(keyedLine(bytes, FORMAT, "plugin-1"), "second, the last wins");
  assert.equal(keyedLine(bytes, FORMAT, "plugin-10"), "ten");
  assert.equal(keyedLine(bytes, FORMAT, "empty"), "");
  assert.equal(keyedLine(bytes, FORMAT, "tabs"), "a\tb\tc");
  assert.equal(keyedLine(bytes, FORMAT, "plugin-2"), undefined);
  assertAgrees(bytes, [
    "plugin-1",
    "plugin-10",
    "x-plugin-1",
    "empty",
    "tabs",
    "plugin",
    "",
    "finfocus-registry",
  ]);
  // The last line without its line break, the first line right after the format's.
  assertAgrees(encode(`${FORMAT}\na\tfirst\nb\tlast`), ["a", "b"]);
  // A key that is only a prefix of the format line's text is not a line.
  assert.equal(keyedLine(encode(`${FORMAT}\n`), FORMAT, FORMAT), undefined);
});

test("bytes of another format, with a byte order mark, or keys that break lines are left to the whole split", () => {
  const body = "a\tone\nb\ttwo\n";
  assert.equal(keyedLine(encode(`other/1\n${body}`), FORMAT, "a"), null);
  assert.equal(keyedLine(encode(`\uFEFF${FORMAT}\n${body}`), FORMAT, "a"), null);
  assert.equal(keyedLine(encode(FORMAT), FORMAT, "a"), null);
  assert.equal(keyedLine(new Uint8Array(), FORMAT, "a"), null);
  for (const key of ["a\tone", "a\nb", "a\r"])
    assert.equal(keyedLine(encode(`${FORMAT}\n${body}`), FORMAT, key), null);
});

test("values decode as they do in the whole text: invalid UTF-8 replaced alike, a byte order mark kept", () => {
  const head = encode(`${FORMAT}\n`);
  const parts = [
    head,
    encode("a\t"),
    new Uint8Array([0xef, 0xbb, 0xbf, 0x78, 0xff, 0xc3, 0x0a]),
    encode("b\t"),
    new Uint8Array([0xe2, 0x82]),
    encode("\nc\tsp\u00e9cial \u{1f600}\r\n"),
  ];
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  assertAgrees(bytes, ["a", "b", "c"]);
  assert.equal(keyedLine(bytes, FORMAT, "a"), "\uFEFFx\uFFFD\uFFFD");
  assert.equal(keyedLine(bytes, FORMAT, "c"), "sp\u00e9cial \u{1f600}\r");
  // A view into a larger buffer is searched within its own bytes only.
  const padded = new Uint8Array(bytes.length + 20);
  padded.set(encode("zz\nd\toutside\n"), 0);
  padded.set(bytes, 14);
  const view = padded.subarray(14, 14 + bytes.length);
  assert.equal(keyedLine(view, FORMAT, "d"), undefined);
  assertAgrees(view, ["a", "b", "c", "d"]);
});

test("random caches: every key found by search agrees with the whole split", () => {
  let seed = 7;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pieces = ["a", "b", "ab", "\t", "\n", "\r", "\u00e9", "\uFEFF", "1", "-", " "];
  for (let round = 0; round < 2000; round++) {
    let body = "";
    for (let i = next(40); i > 0; i--) body += pieces[next(pieces.length)];
    const bytes = encode(`${FORMAT}\n${body}`);
    assertAgrees(bytes, ["a", "b", "ab", "a1", "b-", "\u00e9", " ", ""]);
  }
});
