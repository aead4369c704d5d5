/**
 * The shipped workflows work as shipped: every pin of this repository is a commit of its history
 * (reachable from HEAD, so a fresh clone has it) that ships these very workflows (pins aside) and
 * has every input, bundle, CLI command and option they use. And scripts/pin-release.ts repins them, or refuses and writes nothing.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { repin } from "../../scripts/pin-release.ts";
import { PROJECT, problemsAt, reachability, readPins } from "../../scripts/workflow-pins.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const git = (cwd: string, args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();
const pins = readPins(root);

describe("the shipped workflows' pins", () => {
  test("the workflows pin the gate, the release Action and the tools' CLI", () => {
    assert.deepEqual([...new Set(pins.actions.map((p) => p.dir))].sort(), ["", "release"]);
    assert.ok(pins.commands.some((c) => c.command === "build" && c.options.includes("--base")));
  });

  test("every pin is one commit of this history that has everything the workflows use", () => {
    const shas = new Set([...pins.actions.map((p) => p.sha), ...pins.commands.map((c) => c.sha)]);
    assert.equal(
      shas.size,
      1,
      `one release for all workflows (node scripts/pin-release.ts <ref>): ${[...shas]}`,
    );
    const [sha] = [...shas];
    assert.deepEqual(problemsAt(root, sha!, pins), [], "repin with: node scripts/pin-release.ts <ref>");
  });
});

describe("scripts/pin-release.ts", () => {
  const copy = () => {
    const dir = mkdtempSync(join(tmpdir(), "pins-"));
    cpSync(join(root, "workflows"), dir, { recursive: true });
    return dir;
  };
  const pinRelease = (args: string[]) =>
    spawnSync(process.execPath, [join(root, "scripts/pin-release.ts"), ...args], {
      cwd: root,
      encoding: "utf8",
    });

  test("repins every uses: and tools ref: to a ref, and leaves other pins alone", () => {
    const dir = copy();
    try {
      const head = git(root, ["rev-parse", "HEAD"]);
      const r = pinRelease(["HEAD", "--dir", dir, "--comment", "v9.9.9"]);
      assert.equal(r.status, 0, r.stderr);
      const after = readPins(dir, ".");
      assert.ok(after.actions.length >= 3);
      for (const p of [...after.actions, ...after.commands]) assert.equal(p.sha, head, p.file);
      const text = readFileSync(join(dir, "registry-publish.yml"), "utf8");
      assert.match(text, new RegExp(`uses: ${PROJECT}@${head} # v9\\.9\\.9\\n`));
      assert.match(text, new RegExp(`ref: ${head}\\n`));
      assert.match(text, /actions\/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4\.2\.2/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("refuses a commit that lacks what the workflows use, naming each problem, and writes nothing", () => {
    const dir = copy();
    try {
      const before = readFileSync(join(dir, "registry-publish.yml"), "utf8");
      // The first gate commit: no build command, no release Action yet.
      const r = pinRelease(["c3d57f2d07c3998c231dbd7c5d0139c83ff3113f", "--dir", dir]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /lists no command "build"/);
      assert.match(r.stderr, /has no release\/action\.yml/);
      assert.match(r.stderr, /workflows\/registry-publish\.yml does not exist at c3d57f2d07c3: commit it/);
      assert.equal(readFileSync(join(dir, "registry-publish.yml"), "utf8"), before);
      assert.equal(pinRelease(["no-such-ref", "--dir", dir]).status, 2);
      assert.equal(pinRelease(["HEAD", "--dir", join(dir, "missing")]).status, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a workflow changed after the pinned commit (a new trigger) needs a pin that ships it", () => {
    const dir = copy();
    try {
      const file = join(dir, "registry-validate.yml");
      writeFileSync(file, readFileSync(file, "utf8").replace("on:\n", "on:\n  merge_group:\n"));
      const r = pinRelease(["HEAD", "--dir", dir]);
      assert.equal(r.status, 1);
      assert.match(
        r.stderr,
        /workflows\/registry-validate\.yml at [0-9a-f]{12} is not this workflow \(pins aside\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("repin keeps every other byte", () => {
    const old = "a".repeat(40);
    const text = `steps:\n  - uses: ${PROJECT}@${old} # v1\n    with:\n      ref: ${old}\n  - uses: x/y@${old} # v1\n      ref: ${"b".repeat(40)}\n`;
    const next = repin(text, new Set([old]), "c".repeat(40), "v2");
    assert.equal(
      next,
      `steps:\n  - uses: ${PROJECT}@${"c".repeat(40)} # v2\n    with:\n      ref: ${"c".repeat(40)}\n  - uses: x/y@${old} # v1\n      ref: ${"b".repeat(40)}\n`,
    );
  });
});

describe("reachability of a pin", () => {
  test("a commit off the history, and a commit a shallow clone lacks, are named with what to do", () => {
    const dir = mkdtempSync(join(tmpdir(), "pins-git-"));
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@e",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@e",
    };
    const g = (cwd: string, args: string[]) =>
      execFileSync("git", args, { cwd, env, encoding: "utf8" }).trim();
    try {
      const repo = join(dir, "repo");
      g(dir, ["init", "-q", "-b", "main", repo]);
      writeFileSync(join(repo, "a"), "1");
      g(repo, ["add", "a"]);
      g(repo, ["commit", "-qm", "one"]);
      const first = g(repo, ["rev-parse", "HEAD"]);
      g(repo, ["checkout", "-qb", "side"]);
      g(repo, ["commit", "-qm", "side", "--allow-empty"]);
      const side = g(repo, ["rev-parse", "HEAD"]);
      g(repo, ["checkout", "-q", "main"]);
      g(repo, ["commit", "-qm", "two", "--allow-empty"]);
      assert.deepEqual(reachability(repo, first), []);
      assert.match(reachability(repo, side).join(), /not an ancestor of HEAD/);
      const shallow = join(dir, "shallow");
      g(dir, ["clone", "-q", "--depth", "1", `file://${repo}`, shallow]);
      assert.match(reachability(shallow, first).join(), /shallow clone.*fetch-depth: 0/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
