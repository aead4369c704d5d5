/**
 * One view of the registry (issue: what was reviewed is what publishes): push mode, `validate`
 * and `build` read the git objects of one commit, as the gate reads a pull request, never the
 * checked-out files. A checkout differs from the commit whenever attributes convert files
 * (eol, working-tree-encoding, ident) or files were edited after it; neither may change what is
 * judged or published. Real repositories, the bundled Action and the CLI run as processes.
 */
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { baseRegistry, entryJson, manifestJson } from "./fixture.ts";
import { artifactServer, gitIn, makeRepo, type Repo, runAction, sha256 } from "./harness.ts";

const BIN = fileURLToPath(new URL("../../bin/finfocus-registry.js", import.meta.url));
const V1 = new TextEncoder().encode("cost-aws 1.0.0 artifact");
const MANIFEST = "registry/plugins/cost-aws/versions/1.0.0.json";
let server: Awaited<ReturnType<typeof artifactServer>>;

before(async () => {
  server = await artifactServer({ "/v1.tgz": V1 });
});
after(() => server.close());

/**
 * A registry committed as reviewed, then an attributes file committed above it (as it may have
 * been before the gate refused those), and the registry checked out again: the work tree now
 * holds converted bytes.
 */
async function convertedCheckout(attributes: string): Promise<Repo> {
  const repo = await makeRepo(baseRegistry(`${server.url}/v1.tgz`, sha256(V1)), {});
  writeFileSync(join(repo.dir, ".gitattributes"), attributes);
  await gitIn(repo.dir, ["add", ".gitattributes"]);
  await gitIn(repo.dir, ["commit", "-qm", "attributes"]);
  rmSync(join(repo.dir, "registry"), { recursive: true, force: true });
  await gitIn(repo.dir, ["checkout", "--", "registry"]);
  return repo;
}

/**
 * Runs the CLI without blocking this process: the loopback artifact server of a test running
 * alongside must keep answering while the CLI works.
 */
const cli = (
  cwd: string,
  ...args: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        resolve({ status: error ? (typeof code === "number" ? code : null) : 0, stdout, stderr });
      },
    );
  });

describe("one view: every stage reads the commit", { concurrency: 3 }, () => {
  test("push mode judges the committed bytes, not a checkout converted by working-tree-encoding", async () => {
    const repo = await convertedCheckout("registry/**/*.json working-tree-encoding=UTF-16LE-BOM\n");
    try {
      const committed = await gitIn(repo.dir, ["cat-file", "blob", `HEAD:${MANIFEST}`]);
      assert.notEqual(
        readFileSync(join(repo.dir, MANIFEST), "utf8"),
        `${committed}\n`,
        "the checkout differs",
      );
      const r = await runAction({ workspace: repo.dir, eventName: "push", event: {} });
      assert.deepEqual(r.findings, [], r.stdout);
      assert.equal(r.outputs.valid, "true");
    } finally {
      repo.cleanup();
    }
  });

  test("build publishes the committed bytes: eol and ident conversions of the checkout never reach the API", async () => {
    for (const attributes of [
      "registry/** text eol=crlf\n",
      "registry/**/*.json working-tree-encoding=UTF-16LE-BOM\n",
    ]) {
      const repo = await convertedCheckout(attributes);
      try {
        const r = await cli(repo.dir, "build", "--registry", "registry", "--out", "out", "--no-site");
        assert.equal(r.status, 0, r.stdout + r.stderr);
        const blob = Buffer.from(
          spawnSync("git", ["cat-file", "blob", `HEAD:${MANIFEST}`], { cwd: repo.dir }).stdout,
        );
        const published = readFileSync(
          join(repo.dir, "out/api/v1/plugins/cost-aws/versions/1.0.0/manifest.json"),
        );
        assert.deepEqual(published, blob, attributes);
        const index = JSON.parse(
          readFileSync(join(repo.dir, "out/api/v1/plugins/cost-aws/versions/index.json"), "utf8"),
        );
        assert.equal(index.versions[0].manifest_sha256, createHash("sha256").update(blob).digest("hex"));
        assert.match(r.stdout, /from commit [0-9a-f]{12}/);
      } finally {
        repo.cleanup();
      }
    }
  });

  test("validate and build read HEAD (or --rev), not uncommitted files; --worktree reads the files", async () => {
    const repo = await makeRepo(baseRegistry(`${server.url}/v1.tgz`, sha256(V1)), {
      "registry/plugins/billing-gcp/entry.json": entryJson("billing-gcp"),
      "registry/plugins/billing-gcp/versions/1.0.0.json": manifestJson("billing-gcp", "1.0.0", {
        url: `${server.url}/v1.tgz`,
        checksum: sha256(V1),
      }),
    });
    try {
      // Uncommitted: a broken manifest and a plugin nobody reviewed.
      writeFileSync(join(repo.dir, MANIFEST), "{ not json");
      writeFileSync(
        join(repo.dir, "registry/plugins/cost-aws/versions/9.9.9.json"),
        manifestJson("cost-aws", "9.9.9"),
      );
      const head = await cli(repo.dir, "validate", "--registry", "registry", "--format", "json");
      assert.equal(head.status, 0, head.stdout);
      assert.equal(JSON.parse(head.stdout).commit, repo.baseSha);
      const disk = await cli(
        repo.dir,
        "validate",
        "--registry",
        "registry",
        "--worktree",
        "--format",
        "json",
      );
      assert.equal(disk.status, 1);
      assert.ok(JSON.parse(disk.stdout).findings.some((f: { code: string }) => f.code === "JSON_SYNTAX"));
      const pr = await cli(
        repo.dir,
        "validate",
        "--registry",
        "registry",
        "--rev",
        repo.headSha,
        "--format",
        "json",
      );
      assert.equal(pr.status, 0, pr.stdout);
      assert.equal(JSON.parse(pr.stdout).stats.plugins, 2);
      assert.equal(
        (await cli(repo.dir, "validate", "--registry", "registry", "--rev", "no-such-ref")).status,
        2,
      );

      const built = await cli(repo.dir, "build", "--registry", "registry", "--out", "out", "--no-site");
      assert.equal(built.status, 0, built.stdout + built.stderr);
      const index = JSON.parse(
        readFileSync(join(repo.dir, "out/api/v1/plugins/cost-aws/versions/index.json"), "utf8"),
      );
      assert.deepEqual(
        index.versions.map((v: { version: string }) => v.version),
        ["1.0.0"],
        "the uncommitted 9.9.9 is not published",
      );
    } finally {
      repo.cleanup();
    }
  });

  test("a registry outside git is read from disk with the same refusals", async () => {
    const repo = await makeRepo({}, {});
    try {
      const dir = join(repo.dir, "..", `outside-${process.pid}-${Date.now()}`);
      const files = baseRegistry(`${server.url}/v1.tgz`, sha256(V1));
      for (const [path, content] of Object.entries(files)) {
        if (!path.startsWith("registry/")) continue;
        const full = join(dir, path);
        spawnSync("mkdir", ["-p", join(full, "..")]);
        writeFileSync(full, content as string);
      }
      spawnSync("ln", ["-s", "1.0.0.json", join(dir, "registry/plugins/cost-aws/versions/1.1.0.json")]);
      try {
        const r = await cli(dir, "validate", "--registry", "registry", "--format", "json");
        assert.equal(r.status, 1);
        const found = JSON.parse(r.stdout).findings.map(
          (f: { code: string; file: string }) => `${f.code} ${f.file}`,
        );
        assert.ok(
          found.includes("LAYOUT_NOT_REGULAR registry/plugins/cost-aws/versions/1.1.0.json"),
          found.join("\n"),
        );
        assert.equal((await cli(dir, "validate", "--registry", "registry", "--rev", "HEAD")).status, 2);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      repo.cleanup();
    }
  });
});
