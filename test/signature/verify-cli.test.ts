import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import nock from "nock";
import { hashBytes } from "../../core/signature/checksum.ts";
import { type KeyPair, OpenSSL } from "./helpers/openssl.ts";
import { createMockInstance, type MockInstance } from "./helpers/sigstore-mock.ts";

const bin = fileURLToPath(new URL("../../bin/finfocus-registry.js", import.meta.url));
const IDENTITY = "https://github.com/acme/aws-costs/.github/workflows/release.yml@refs/tags/v1.2.0";
const ISSUER = "https://token.actions.githubusercontent.com";
const bytes = Buffer.from("a released plugin archive\n");

let ssl: OpenSSL;
let key: KeyPair;
let artifact: string;
let tampered: string;
let derSignature: string;
let b64Signature: string;
let bundleFile: string;
let rootFile: string;
let instance: MockInstance;

before(async () => {
  ssl = new OpenSSL();
  key = ssl.key("p256");
  artifact = ssl.file("plugin.tar.gz", bytes);
  tampered = ssl.file("tampered.tar.gz", "a released plugin archivE\n");
  b64Signature = ssl.sign(key, bytes);
  derSignature = ssl.file("plugin.sig", Buffer.from(b64Signature, "base64"));
  instance = await createMockInstance();
  bundleFile = ssl.file("plugin.sigstore.json", JSON.stringify(await instance.sign(bytes, IDENTITY, ISSUER)));
  rootFile = ssl.file("trusted_root.json", JSON.stringify(instance.trustedRoot));
});
after(() => {
  ssl.cleanup();
  nock.cleanAll();
});

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, "verify", ...args], {
    encoding: "utf8",
    env: { ...process.env, FINFOCUS_SIGSTORE_OFFLINE: "1" },
  });
  let json: {
    verified?: boolean;
    findings?: { code: string; severity: string }[];
    signer?: Record<string, string>;
  } = {};
  try {
    json = JSON.parse(r.stdout);
  } catch {}
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    json,
    codes: (json.findings ?? []).map((f) => f.code),
  };
}

describe("usage errors exit 2", () => {
  const cases: Record<string, string[]> = {
    "no --artifact": ["--checksum", `sha256:${"0".repeat(64)}`],
    "nothing to verify": ["--artifact", "x"],
    "an unknown option": ["--artifact", "x", "--checksum", `sha256:${"0".repeat(64)}`, "--frobnicate"],
    "--bundle without --identity": ["--artifact", "x", "--bundle", "b", "--issuer", ISSUER],
    "--bundle without any pin": ["--artifact", "x", "--bundle", "b"],
    "--public-key alone": ["--artifact", "x", "--public-key", "k.pem"],
    "--signature without --public-key": ["--artifact", "x", "--signature", "AAAA"],
    "a malformed --checksum": ["--artifact", "x", "--checksum", "sha256:abc"],
    "a bad --format": ["--artifact", "x", "--checksum", `sha256:${"0".repeat(64)}`, "--format", "xml"],
  };
  for (const [name, args] of Object.entries(cases)) {
    test(name, () => {
      const r = cli(...args);
      assert.equal(r.status, 2);
      // One line that says what is wrong and points to --help.
      assert.match(r.stderr, /^finfocus-registry verify: [^\n]+; see 'finfocus-registry verify --help'\n$/);
    });
  }
  test("an unreadable artifact", () => {
    const r = cli("--artifact", join(ssl.dir, "missing.bin"), "--checksum", `sha256:${"0".repeat(64)}`);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /ENOENT/);
  });
});

test("--help prints the usage and exits 0", () => {
  const r = cli("--help");
  assert.equal(r.status, 0);
  assert.match(r.stdout, /--identity ID/);
});

describe("--checksum", () => {
  test("matching: exit 0", () => {
    const r = cli(
      "--artifact",
      artifact,
      "--checksum",
      `sha256:${hashBytes(bytes, "sha256")}`,
      "--format",
      "json",
    );
    assert.equal(r.status, 0);
    assert.deepEqual(r.json, { verified: true, findings: [] });
  });
  test("not matching: exit 1, CHECKSUM_MISMATCH", () => {
    const r = cli(
      "--artifact",
      tampered,
      "--checksum",
      `sha512:${hashBytes(bytes, "sha512")}`,
      "--format",
      "json",
    );
    assert.equal(r.status, 1);
    assert.deepEqual(r.codes, ["CHECKSUM_MISMATCH"]);
    assert.equal(r.json.verified, false);
  });
});

test("text output escapes control characters (a file name with an ANSI escape)", () => {
  const file = ssl.file("evil\u001b[2Jname.bin", bytes);
  const r = cli("--artifact", file, "--checksum", `sha256:${hashBytes(bytes, "sha256")}`);
  assert.equal(r.status, 0);
  assert.ok(!r.stdout.includes("\u001b"));
  assert.match(r.stdout, /evil\\u001b\[2Jname/);
});

describe("--signature and --public-key", () => {
  test("a raw DER signature file (openssl -out): exit 0 and the key's fingerprint", () => {
    const r = cli(
      "--artifact",
      artifact,
      "--signature",
      derSignature,
      "--public-key",
      key.publicKeyFile,
      "--format",
      "json",
    );
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.json.signer?.kind, "key");
    assert.match(r.json.signer?.fingerprint ?? "", /^sha256:/);
  });
  test("a base64 signature on the command line, text output", () => {
    const r = cli("--artifact", artifact, "--signature", b64Signature, "--public-key", key.publicKeyFile);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^verified: /m);
  });
  test("a base64 signature file (cosign sign-blob writes base64)", () => {
    const file = ssl.file("cosign.sig", `${b64Signature}\n`);
    assert.equal(
      cli("--artifact", artifact, "--signature", file, "--public-key", key.publicKeyFile).status,
      0,
    );
  });
  test("a tampered artifact: exit 1, SIGNATURE_VERIFICATION_FAILED", () => {
    const r = cli(
      "--artifact",
      tampered,
      "--signature",
      derSignature,
      "--public-key",
      key.publicKeyFile,
      "--format",
      "json",
    );
    assert.equal(r.status, 1);
    assert.deepEqual(r.codes, ["SIGNATURE_VERIFICATION_FAILED"]);
  });
  test("an RSA 1024 key is refused: exit 1", () => {
    const weak = ssl.key("rsa1024");
    const r = cli(
      "--artifact",
      artifact,
      "--signature",
      ssl.sign(weak, bytes),
      "--public-key",
      weak.publicKeyFile,
      "--format",
      "json",
    );
    assert.equal(r.status, 1);
    assert.deepEqual(r.codes, ["SIGNATURE_VERIFICATION_FAILED"]);
  });
});

describe("--bundle", () => {
  const bundleArgs = (identity: string, issuer: string, root?: string) => [
    "--artifact",
    artifact,
    "--bundle",
    bundleFile,
    "--identity",
    identity,
    "--issuer",
    issuer,
    ...(root ? ["--trusted-root", root] : []),
    "--format",
    "json",
  ];
  test("exact identity and issuer with the instance's trusted root: exit 0 and the signer", () => {
    const r = cli(...bundleArgs(IDENTITY, ISSUER, rootFile));
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual(r.json.signer, { kind: "sigstore", identity: IDENTITY, issuer: ISSUER });
  });
  test("an identity prefix: exit 1, IDENTITY_MISMATCH", () => {
    const r = cli(...bundleArgs("https://github.com/acme/", ISSUER, rootFile));
    assert.equal(r.status, 1);
    assert.deepEqual(r.codes, ["IDENTITY_MISMATCH"]);
  });
  test("another issuer: exit 1", () => {
    assert.equal(cli(...bundleArgs(IDENTITY, "https://accounts.google.com", rootFile)).status, 1);
  });
  test("the public-good root (offline, shipped copy) does not trust this instance: exit 1 with the offline warning", () => {
    const r = cli(...bundleArgs(IDENTITY, ISSUER));
    assert.equal(r.status, 1);
    assert.deepEqual(r.codes, ["TRUSTED_ROOT_OFFLINE", "SIGNATURE_VERIFICATION_FAILED"]);
  });
  test("an invalid trusted root file: exit 1, TRUSTED_ROOT_INVALID", () => {
    const root = JSON.parse(readFileSync(rootFile, "utf8"));
    delete root.tlogs[0].publicKey.validFor.start;
    const bad = ssl.file("bad_root.json", JSON.stringify(root));
    const r = cli(...bundleArgs(IDENTITY, ISSUER, bad));
    assert.equal(r.status, 1);
    assert.deepEqual(r.codes, ["TRUSTED_ROOT_INVALID"]);
  });
  test("a bundle made with a key, checked with --public-key: exit 0, kind key", async () => {
    const keyedFile = ssl.file(
      "keyed.sigstore.json",
      JSON.stringify(await instance.signWithKey(bytes, readFileSync(key.privateKeyFile, "utf8"))),
    );
    const args = [
      "--artifact",
      artifact,
      "--bundle",
      keyedFile,
      "--trusted-root",
      rootFile,
      "--format",
      "json",
    ];
    const r = cli(...args, "--public-key", key.publicKeyFile);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.json.signer?.kind, "key");
    const other = ssl.key("p256");
    assert.deepEqual(cli(...args, "--public-key", other.publicKeyFile).codes, [
      "SIGNATURE_VERIFICATION_FAILED",
    ]);
  });
  test("a malformed bundle: exit 1, JSON_SYNTAX", () => {
    writeFileSync(join(ssl.dir, "broken.sigstore.json"), "{");
    const r = cli(
      "--artifact",
      artifact,
      "--bundle",
      join(ssl.dir, "broken.sigstore.json"),
      "--identity",
      IDENTITY,
      "--issuer",
      ISSUER,
      "--trusted-root",
      rootFile,
      "--format",
      "json",
    );
    assert.equal(r.status, 1);
    assert.deepEqual(r.codes, ["JSON_SYNTAX"]);
  });
});
