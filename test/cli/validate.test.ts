import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const bin = path.join(repo, "bin/finfocus-registry.js");
const run = (...args: string[]) =>
  spawnSync(process.execPath, [bin, "validate", ...args], { cwd: repo, encoding: "utf8" });

test("a valid registry: exit 0 and a summary", () => {
  const r = run("--registry", "test/fixtures/registries/good");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^valid: 2 plugins, 7 manifests, 0 errors, \d+ warnings/m);
});

test("an invalid registry: exit 1, compiler-style lines with paths relative to the working directory", () => {
  const r = run("--registry", "test/fixtures/registries/broken");
  assert.equal(r.status, 1);
  assert.match(
    r.stdout,
    /^test\/fixtures\/registries\/broken\/plugins\/gamma\/entry\.json:2:3 error NAME_MISMATCH /m,
  );
});

test("--format json gives {valid, findings, stats}", () => {
  const r = run("--format", "json", "test/fixtures/manifests/json-duplicate-key/manifest.json");
  assert.equal(r.status, 1);
  const out = JSON.parse(r.stdout) as {
    valid: boolean;
    findings: { code: string; pointer: string; line: number }[];
  };
  assert.equal(out.valid, false);
  assert.deepEqual(
    out.findings.map((f) => [f.code, f.pointer, f.line]),
    [["JSON_DUPLICATE_KEY", "/security/security_level", 2]],
  );
});

test("a file inside the registry is checked in registry context", () => {
  const r = run(
    "--registry",
    "test/fixtures/manifests/rule-dependency-not-found/registry",
    "test/fixtures/manifests/rule-dependency-not-found/registry/plugins/acme-cost/versions/1.2.0.json",
  );
  assert.equal(r.status, 1);
  assert.match(r.stdout, /DEPENDENCY_NOT_FOUND/);
});

test("a hostile 50 MB file is a finding, not a crash", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "ffr-"));
  try {
    const file = path.join(dir, "huge.json");
    writeFileSync(file, Buffer.alloc(50 * 1024 * 1024, "["));
    const r = run("--format", "json", file);
    assert.equal(r.status, 1);
    assert.equal(JSON.parse(r.stdout).findings[0].code, "JSON_TOO_LARGE");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("usage and I/O errors exit 2", () => {
  assert.equal(run("--format", "yaml").status, 2);
  assert.equal(run("no/such/file.json").status, 2);
  assert.equal(run("--registry", "no/such/registry").status, 2);
});

test("a whole-registry validate remembers verdicts in the git folder or --cache-dir, and reuses them", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "ffr-verdicts-"));
  try {
    const registry = path.join(dir, "registry");
    cpSync(path.join(repo, "registry"), registry, { recursive: true });
    const git = (...args: string[]) => {
      const r = spawnSync("git", args, { cwd: dir, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "registry");
    const stats = (...args: string[]) => {
      const r = run("--format", "json", "--registry", registry, ...args);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as {
        stats: { manifests: number; judged?: number };
        findings: unknown[];
      };
      return { ...out.stats, findings: out.findings };
    };
    const first = stats();
    assert.equal(first.judged, first.manifests);
    const cacheDir = path.join(git("rev-parse", "--absolute-git-dir"), "finfocus-registry");
    // The verdicts, their summaries and the stamps (of a commit: its objects' ids).
    assert.deepEqual(
      readdirSync(cacheDir)
        .map((f) => path.extname(f))
        .sort(),
      [".stamps", ".summaries", ".verdicts"],
    );
    const [stamped] = readdirSync(cacheDir).filter((f) => f.endsWith(".stamps"));
    assert.match(readFileSync(path.join(cacheDir, stamped as string), "utf8"), /\tgit:file:[0-9a-f]{40}\t/);
    const second = stats();
    assert.equal(second.judged, 0);
    assert.deepEqual(second.findings, first.findings);
    // Nothing changed: every plugin is reused whole from its summary, so the verdicts file is
    // not even read (a corrupt one changes nothing).
    const [verdicts] = readdirSync(cacheDir).filter((f) => f.endsWith(".verdicts"));
    writeFileSync(path.join(cacheDir, verdicts as string), "{corrupt");
    const summarized = stats();
    assert.equal(summarized.judged, 0);
    assert.deepEqual(summarized.findings, first.findings);
    assert.equal(stats("--no-cache").judged, undefined);
    const own = path.join(dir, "cache");
    assert.equal(stats("--cache-dir", own).judged, first.manifests);
    assert.equal(stats("--cache-dir", own).judged, 0);
    for (const file of readdirSync(own)) writeFileSync(path.join(own, file), "{corrupt");
    const again = stats("--cache-dir", own);
    assert.equal(again.judged, first.manifests);
    assert.deepEqual(again.findings, first.findings);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
