/**
 * The build script on a scratch copy of the registry: it fills in what a new version lacks, and
 * never rewrites a published (tracked) manifest or accepts a drifted archive.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { verifyDemoSignature } from "../../scripts/demo/demo-keys.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const script = join(repo, "scripts", "build-demo-registry.ts");
let dir = "";
const reg = () => join(dir, "registry");
const arts = () => join(dir, "artifacts");
const run = (...extra: string[]) =>
  spawnSync(process.execPath, [script, "--registry", reg(), "--artifacts", arts(), ...extra], {
    encoding: "utf8",
  });
const awsFile = () => join(reg(), "plugins", "aws-cost-explorer", "versions", "1.1.0.json");
const git = (...args: string[]) =>
  spawnSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
    cwd: dir,
    encoding: "utf8",
  });

before(() => {
  dir = mkdtempSync(join(tmpdir(), "finfocus-demo-build-"));
  cpSync(join(repo, "registry"), reg(), { recursive: true });
  cpSync(join(repo, "demo", "artifacts"), arts(), { recursive: true });
});
after(() => rmSync(dir, { recursive: true, force: true }));

function snapshot(): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(join(reg(), "plugins"))) {
    const versions = join(reg(), "plugins", name, "versions");
    for (const f of readdirSync(versions)) files.set(`${name}/${f}`, readFileSync(join(versions, f), "utf8"));
  }
  return files;
}

test("an unsigned new verified version gets a pinned-key signature; nothing else changes", () => {
  const m = JSON.parse(readFileSync(awsFile(), "utf8"));
  delete m.security.signature;
  delete m.security.public_key;
  writeFileSync(awsFile(), `${JSON.stringify(m, null, 2)}\n`);
  const before = snapshot();
  const r = run();
  assert.equal(r.status, 0, r.stderr);
  const afterRun = snapshot();
  for (const [file, text] of before) {
    if (file !== "aws-cost-explorer/1.1.0.json") assert.equal(afterRun.get(file), text, file);
  }
  const signed = JSON.parse(readFileSync(awsFile(), "utf8"));
  assert.deepEqual(Object.keys(signed.security).slice(0, 2), ["signature", "public_key"]);
  const bytes = readFileSync(join(arts(), "aws-cost-explorer-1.1.0.tar.gz"));
  assert.ok(verifyDemoSignature(bytes, signed.security.signature, signed.security.public_key));
  assert.equal(run("--check").status, 0);
});

test("a wrong checksum is reported, never overwritten", () => {
  const original = readFileSync(awsFile(), "utf8");
  const m = JSON.parse(original);
  m.installation.checksum = "0".repeat(64);
  const tampered = `${JSON.stringify(m, null, 2)}\n`;
  writeFileSync(awsFile(), tampered);
  const r = run();
  assert.equal(r.status, 1);
  assert.match(r.stderr, /aws-cost-explorer\/versions\/1\.1\.0\.json: checksum 0+ != built artifact/);
  assert.equal(readFileSync(awsFile(), "utf8"), tampered);
  writeFileSync(awsFile(), original);
});

test("--check fails on a drifted archive and writes nothing", () => {
  const file = join(arts(), "fx-rate-normalizer-1.0.0.tar.gz");
  const original = readFileSync(file);
  writeFileSync(file, Buffer.concat([original, Buffer.from([0])]));
  const r = run("--check");
  assert.equal(r.status, 1);
  assert.match(r.stderr, /fx-rate-normalizer-1\.0\.0\.tar\.gz: differs from a fresh build/);
  assert.equal(readFileSync(file).length, original.length + 1);
  writeFileSync(file, original);
  assert.equal(run("--check").status, 0);
});

test("a published manifest (tracked at HEAD) is immutable: the script refuses to re-sign it", () => {
  assert.equal(git("init", "-q").status, 0);
  assert.equal(git("add", ".").status, 0);
  assert.equal(git("commit", "-qm", "published").status, 0);
  const m = JSON.parse(readFileSync(awsFile(), "utf8"));
  m.security.signature = Buffer.from("not a signature").toString("base64");
  const broken = `${JSON.stringify(m, null, 2)}\n`;
  writeFileSync(awsFile(), broken);
  const r = run();
  assert.equal(r.status, 1);
  assert.match(r.stderr, /published \(tracked at HEAD\) and immutable/);
  assert.equal(readFileSync(awsFile(), "utf8"), broken);
});
