import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { RegistryError } from "../../core/errors.ts";
import { readLocalFile } from "../../core/json/local-file.ts";
import { createMirrorFetcher } from "../../net/mirror-fetcher.ts";
import { runCli } from "../cli/helpers/in-process.ts";

const dir = mkdtempSync(path.join(tmpdir(), "local-file-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const fifo = path.join(dir, "fifo");
const made = spawnSync("mkfifo", [fifo]);
assert.equal(made.status, 0, `mkfifo: ${made.stderr}`);

/** The refusal readLocalFile throws: its message and reason. */
async function refusal(file: string, maxBytes = 1024): Promise<{ message: string; reason: unknown }> {
  try {
    await readLocalFile(file, "test file", maxBytes);
  } catch (error) {
    assert.ok(error instanceof RegistryError, String(error));
    assert.equal(error.code, "FILE_UNREADABLE");
    assert.equal(error.details.file, file);
    return { message: error.message, reason: error.details.reason };
  }
  assert.fail(`${file} was read`);
}

describe("readLocalFile: a file the user names is read whole, bounded, and only if it is a regular file", () => {
  test("a regular file, and one reached through a symbolic link, are read exactly", async () => {
    const file = path.join(dir, "ok.json");
    writeFileSync(file, '{"a":1}');
    symlinkSync(file, path.join(dir, "link.json"));
    assert.equal((await readLocalFile(file, "f", 7)).toString(), '{"a":1}');
    assert.equal((await readLocalFile(path.join(dir, "link.json"), "f", 7)).toString(), '{"a":1}');
    // Unless links are not to be followed (a folder scanned for manifests).
    await assert.rejects(
      readLocalFile(path.join(dir, "link.json"), "f", 7, { followLinks: false }),
      (error: RegistryError) =>
        error.details.reason === "not a file" && /is a symbolic link/.test(error.message),
    );
    assert.equal((await readLocalFile("/proc/self/stat", "f", 64 * 1024)).length > 0, true);
  });

  test("a device, a pipe and a folder are refused at once, never read or waited on", async () => {
    for (const file of ["/dev/zero", "/dev/urandom", fifo]) {
      const r = await refusal(file);
      assert.equal(r.reason, "not a file", file);
      assert.match(
        r.message,
        /^cannot read the test file .*: it is not a regular file .*save the content to a file$/,
      );
    }
    const folder = path.join(dir, "folder");
    mkdirSync(folder);
    assert.deepEqual(await refusal(folder), {
      message: `cannot read the test file ${folder}: it is a folder: give the file inside it`,
      reason: "not a file",
    });
  });

  test("over the limit is refused before it is read; missing names the path", async () => {
    const big = path.join(dir, "big");
    writeFileSync(big, Buffer.alloc(1025));
    const r = await refusal(big);
    assert.equal(r.reason, "too large");
    assert.match(r.message, /it holds 1025 bytes, over the limit of 1024/);
    assert.equal((await readLocalFile(big, "f", 1025)).length, 1025);
    const gone = await refusal(path.join(dir, "nothing"));
    assert.equal(gone.reason, "missing");
    assert.match(gone.message, /no such file \(ENOENT\): check the path$/);
  });
});

/** Runs the CLI in this process with captured output. */
const cli = (...argv: string[]) => runCli(argv, { env: { HOME: dir } });

describe("every file an option names goes through it: /dev/zero or a pipe is an error naming the option's file", () => {
  const cases: [string, string[], RegExp][] = [
    ["search --config", ["search", "--config", "/dev/zero", "x"], /the discovery configuration \/dev\/zero/],
    ["search --registry-config", ["search", "--registry-config", fifo, "x"], /the registry config .*fifo/],
    ["search --tuf-root", ["search", "--tuf-root", "/dev/zero", "x"], /the TUF root \/dev\/zero/],
    [
      "verify --artifact",
      ["verify", "--artifact", "/dev/zero", "--checksum", `sha256:${"0".repeat(64)}`],
      /the artifact \/dev\/zero/,
    ],
    [
      "verify --bundle",
      [
        "verify",
        "--artifact",
        "/proc/self/stat",
        "--bundle",
        fifo,
        "--identity",
        "a@b.c",
        "--issuer",
        "https://i.example",
      ],
      /the bundle .*fifo/,
    ],
    [
      "validate /dev/zero",
      ["validate", "/dev/zero"],
      /\/dev\/zero: not a regular file .*name manifest files/,
    ],
    ["validate a pipe", ["validate", fifo], /fifo: not a regular file/],
    [
      "daemon --tls-cert",
      ["daemon", "--tls-cert", "/dev/zero", "--tls-key", fifo],
      /the TLS certificate \/dev\/zero/,
    ],
  ];
  for (const [name, argv, message] of cases) {
    test(name, async () => {
      const r = await cli(...argv);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /not a regular file/);
    });
  }

  test("list reads --finfocus-config /dev/zero as no FinFocus config, at once", {
    timeout: 20_000,
  }, async () => {
    const r = await cli("list", "--plugin-dir", path.join(dir, "plugins"), "--finfocus-config", "/dev/zero");
    assert.equal(r.code, 0, r.stderr);
  });

  test("an artifact mirror folder holding a pipe answers 'not found', it does not wait", async () => {
    const mirror = path.join(dir, "mirror");
    mkdirSync(mirror);
    spawnSync("mkfifo", [path.join(mirror, "plugin.tar.gz")]);
    const fetcher = createMirrorFetcher(
      mirror,
      { get: () => assert.fail("no network") },
      { allowLoopbackHttp: false },
    );
    await assert.rejects(
      fetcher.get({ url: "https://example.com/dl/plugin.tar.gz", maxBytes: 1024 }),
      (error: Error & { details?: Record<string, unknown> }) =>
        /not a regular file/.test(error.message) && error.details?.status === 404,
    );
  });
});
