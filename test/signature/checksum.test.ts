import assert from "node:assert/strict";
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  checkChecksum,
  digestsEqual,
  hashBytes,
  hashStream,
  parseChecksum,
} from "../../core/signature/checksum.ts";

const bytes = Buffer.from("plugin bytes\n");
// printf 'plugin bytes\n' | sha256sum / sha512sum / md5sum
const SHA256 = hashBytes(bytes, "sha256");

test("hashBytes matches the coreutils digests for sha256, sha512 and md5", () => {
  assert.equal(
    hashBytes(Buffer.from(""), "sha256"),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assert.equal(hashBytes(Buffer.from(""), "md5"), "d41d8cd98f00b204e9800998ecf8427e");
  assert.equal(hashBytes(Buffer.from(""), "sha512").length, 128);
});

test("hashStream over a file equals hashBytes over its bytes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "finfocus-checksum-"));
  try {
    const file = join(dir, "a.bin");
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 0xab);
    writeFileSync(file, big);
    for (const algorithm of ["sha256", "sha512", "md5"] as const) {
      assert.equal(await hashStream(createReadStream(file), algorithm), hashBytes(big, algorithm));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("digests compare case-insensitively and never equal across lengths or non-hex", () => {
  assert.ok(digestsEqual(SHA256.toUpperCase(), SHA256));
  assert.ok(!digestsEqual(SHA256.slice(0, 62), SHA256));
  assert.ok(!digestsEqual(`${SHA256.slice(0, 63)}g`, `${SHA256.slice(0, 63)}g`));
  assert.ok(!digestsEqual("", ""));
});

test("a matching checksum gives no findings; upper-case hex in the manifest matches", () => {
  assert.deepEqual(
    checkChecksum({ artifact: bytes, expected: SHA256.toUpperCase(), algorithm: "sha256", file: "m.json" }),
    [],
  );
  assert.deepEqual(
    checkChecksum({ artifact: { digest: SHA256 }, expected: SHA256, algorithm: "sha256", file: "m.json" }),
    [],
  );
});

test("a different artifact is CHECKSUM_MISMATCH at /installation/checksum, naming both digests", () => {
  const [f, ...rest] = checkChecksum({
    artifact: Buffer.from("tampered"),
    expected: SHA256,
    algorithm: "sha256",
    file: "m.json",
  });
  assert.equal(rest.length, 0);
  assert.equal(f?.code, "CHECKSUM_MISMATCH");
  assert.equal(f?.severity, "error");
  assert.equal(f?.file, "m.json");
  assert.equal(f?.pointer, "/installation/checksum");
  assert.ok(f?.message.includes(SHA256));
  assert.ok(f?.message.includes(hashBytes(Buffer.from("tampered"), "sha256")));
});

test("the algorithm matters: a sha256 digest never satisfies sha512 or md5", () => {
  assert.equal(
    checkChecksum({ artifact: bytes, expected: SHA256, algorithm: "sha512", file: "m" })[0]?.code,
    "CHECKSUM_MISMATCH",
  );
  assert.equal(
    checkChecksum({ artifact: bytes, expected: SHA256, algorithm: "md5", file: "m" })[0]?.code,
    "CHECKSUM_MISMATCH",
  );
});

test("parseChecksum accepts ALGO:HEX of the right length only", () => {
  assert.deepEqual(parseChecksum(`sha256:${SHA256.toUpperCase()}`), { algorithm: "sha256", hex: SHA256 });
  assert.equal(parseChecksum(`sha256:${SHA256.slice(1)}`), undefined);
  assert.equal(parseChecksum(`sha1:${"a".repeat(40)}`), undefined);
  assert.equal(parseChecksum(SHA256), undefined);
});
