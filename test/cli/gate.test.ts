import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ALICE, baseRegistry, entryJson, MALLORY, manifestJson, prEvent } from "../action/fixture.ts";
import { artifactServer, type Files, gitIn, makeRepo, runAction, sha256 } from "../action/harness.ts";
import { tarGz } from "../runner/helpers/archives.ts";
import { startOciRegistry } from "../runner/helpers/oci-registry.ts";

const bin = fileURLToPath(new URL("../../bin/finfocus-registry.js", import.meta.url));
const execFileAsync = promisify(execFile);

/** Runs `finfocus-registry gate …` as a process in `cwd` (async: the artifact server must answer). */
async function gateCli(
  cwd: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [bin, "gate", ...args], {
      cwd,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const V1 = new TextEncoder().encode("cost-aws 1.0.0 artifact");
const V2 = new TextEncoder().encode("cost-aws 1.1.0 artifact");
const WRAPPED = tarGz([
  { path: "cost-aws-1.1.0/", type: "Directory" },
  { path: "cost-aws-1.1.0/finfocus-plugin-cost-aws", data: "#!/bin/sh\n", mode: 0o755 },
]);
const FLAT = tarGz([{ path: "finfocus-plugin-cost-aws", data: "#!/bin/sh\n", mode: 0o755 }]);
let server: Awaited<ReturnType<typeof artifactServer>>;
const url = (p: string) => `${server.url}${p}`;
before(async () => {
  server = await artifactServer({
    "/v1.tgz": V1,
    "/v2.tgz": V2,
    "/wrapped.tar.gz": WRAPPED,
    "/flat.tar.gz": FLAT,
  });
});
after(() => server.close());

const addV2 = (o: Parameters<typeof manifestJson>[2] = {}): Files => ({
  "registry/plugins/cost-aws/versions/1.1.0.json": manifestJson("cost-aws", "1.1.0", {
    url: url("/v2.tgz"),
    checksum: sha256(V2),
    ...o,
  }),
});

type Located = {
  code: string;
  severity: string;
  file: string;
  pointer: string;
  line?: number;
  column?: number;
  message?: string;
};
const located = (list: Located[]) =>
  list.map((f) => [f.code, f.severity, f.file, f.pointer, f.line, f.column].join(" ")).sort();

/**
 * The same change judged twice: by the bundled Action on a pull_request event and by the local
 * command on the same two commits. Findings (code, severity, file, pointer, line, column), the
 * verdict and the versions must agree.
 */
async function both(pr: Files, author = ALICE, base: Files = {}) {
  const repo = await makeRepo({ ...baseRegistry(url("/v1.tgz"), sha256(V1)), ...base }, pr);
  try {
    const action = await runAction({ workspace: repo.dir, event: prEvent(repo, author) });
    const cli = await gateCli(repo.dir, [
      "--base",
      "main",
      "--head",
      "pr",
      "--author-id",
      String(author.github_id),
      "--allow-loopback-http",
      "--format",
      "json",
    ]);
    const out = JSON.parse(cli.stdout) as { valid: boolean; findings: Located[]; head: string; base: string };
    assert.deepEqual(located(out.findings), located(action.findings), cli.stdout);
    assert.equal(out.valid, action.outputs.valid === "true");
    assert.equal(cli.code, out.valid ? 0 : 1, cli.stderr);
    assert.equal(out.head, repo.headSha);
    assert.equal(out.base, repo.baseSha);
    return { out, action, codes: out.findings.map((f) => f.code).sort() };
  } finally {
    repo.cleanup();
  }
}

describe("finfocus-registry gate: the Action's decision on local commits", { concurrency: 3 }, () => {
  test("an owner's new version passes in both, exit 0", async () => {
    const r = await both(addV2());
    assert.deepEqual(r.codes, []);
  });

  test("a checksum mismatch fails in both at the same line, exit 1", async () => {
    const r = await both(addV2({ checksum: sha256("other bytes") }));
    assert.deepEqual(r.codes, ["CHECKSUM_MISMATCH"]);
    assert.ok(r.out.findings[0]!.line! > 1);
  });

  test("a stranger changing owners and a merged version: governance agrees", async () => {
    const r = await both(
      {
        ...addV2(),
        "registry/plugins/cost-aws/entry.json": entryJson("cost-aws", [ALICE, MALLORY]),
        "registry/plugins/cost-aws/versions/1.0.0.json": null,
      },
      MALLORY,
    );
    assert.deepEqual(r.codes, ["MAINTAINER_REQUIRED", "NOT_AN_OWNER", "VERSION_IMMUTABLE"]);
  });

  test("an archive wrapped in one folder: ARCHIVE_ONE_FOLDER warns in both (the run still passes)", async () => {
    const r = await both(addV2({ url: url("/wrapped.tar.gz"), checksum: sha256(WRAPPED) }));
    assert.deepEqual(r.codes, ["ARCHIVE_ONE_FOLDER"]);
    assert.equal(r.out.valid, true);
    assert.equal(r.out.findings[0]!.file, "registry/plugins/cost-aws/versions/1.1.0.json");
    assert.match(r.action.summary, /ARCHIVE_ONE_FOLDER/);
    const flat = await both(addV2({ url: url("/flat.tar.gz"), checksum: sha256(FLAT) }));
    assert.deepEqual(flat.codes, []);
  });

  test("a container release: the document its digest pins is checked in both, and --no-images skips it", async () => {
    const images = await startOciRegistry();
    try {
      const digest = images.push("acme/cost-aws", [new TextEncoder().encode("layer")]);
      const hex = digest.slice("sha256:".length);
      const image = (d: string) => ({ method: "container", url: `${images.host}/acme/cost-aws@${d}` });
      assert.deepEqual((await both(addV2({ ...image(digest), checksum: hex }))).codes, []);
      assert.deepEqual((await both(addV2({ ...image(digest), checksum: "d".repeat(64) }))).codes, [
        "CHECKSUM_MISMATCH",
      ]);
      const absent = `sha256:${"e".repeat(64)}`;
      assert.deepEqual((await both(addV2({ ...image(absent), checksum: "e".repeat(64) }))).codes, [
        "DOWNLOAD_FAILED",
      ]);
      const repo = await makeRepo(
        baseRegistry(url("/v1.tgz"), sha256(V1)),
        addV2({ ...image(absent), checksum: "e".repeat(64) }),
      );
      try {
        const args = ["--base", "main", "--head", "pr", "--allow-loopback-http", "--no-images"];
        const skipped = await gateCli(repo.dir, [...args, "--format", "json"]);
        const out = JSON.parse(skipped.stdout) as {
          findings: Located[];
          versions: { artifact?: { checksum: string } }[];
        };
        assert.deepEqual(
          out.findings.filter((f) => f.severity === "error"),
          [],
        );
        assert.equal(out.versions[0]?.artifact?.checksum, "not checked");
      } finally {
        repo.cleanup();
      }
    } finally {
      await images.close();
    }
  });

  test("DOWNLOAD_FAILED names the server's host in both", async () => {
    const r = await both(addV2({ url: url("/missing.tgz") }));
    assert.deepEqual(r.codes, ["DOWNLOAD_FAILED"]);
    const host = new URL(server.url).host;
    assert.ok(r.out.findings[0]!.message?.includes(`downloaded from ${host}:`), r.out.findings[0]!.message);
  });

  test("a schema error in the new manifest agrees with the Action's pointer", async () => {
    const r = await both({ "registry/plugins/cost-aws/versions/1.1.0.json": '{"metadata": {}}\n' });
    assert.ok(r.codes.includes("MANIFEST_INVALID"), r.codes.join());
  });
});

describe("finfocus-registry gate: options and text", () => {
  test("without --author-id: AUTHOR_UNKNOWN (info) instead of the owner rules; text output", async () => {
    const repo = await makeRepo(baseRegistry(url("/v1.tgz"), sha256(V1)), addV2());
    try {
      const r = await gateCli(repo.dir, ["--base", "main", "--head", "pr", "--allow-loopback-http"]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^registry\/plugins info AUTHOR_UNKNOWN /m);
      assert.match(r.stdout, /^cost-aws 1\.1\.0: schema ok, rules ok, checksum ok, signature none: pass$/m);
      assert.match(
        r.stdout,
        /^gate passed: [0-9a-f]{12}\.\.[0-9a-f]{12}, 1 plugin\(s\) changed, 0 error\(s\)/m,
      );
      const stranger = await gateCli(path.join(repo.dir, "registry"), [
        "--base",
        "main",
        "--head",
        "pr",
        "--author-id",
        String(MALLORY.github_id),
        "--no-artifacts",
      ]);
      assert.equal(stranger.code, 1);
      assert.match(stranger.stdout, /^registry\/plugins\/cost-aws\/entry\.json:\d+:\d+ error NOT_AN_OWNER /m);
      assert.match(stranger.stdout, /checksum not checked/);
    } finally {
      repo.cleanup();
    }
  });

  test("the registry at the repository root with --registry-path .", async () => {
    const files = (f: Files) =>
      Object.fromEntries(
        Object.entries(f)
          .filter(([k]) => k.startsWith("registry/"))
          .map(([k, v]) => [k.replace(/^registry\//, ""), v]),
      );
    const repo = await makeRepo(
      files(baseRegistry(url("/v1.tgz"), sha256(V1))),
      files(addV2({ checksum: sha256("x") })),
    );
    try {
      const r = await gateCli(repo.dir, [
        ...["--base", "main", "--head", "pr", "--registry-path", ".", "--author-id", "1001"],
        ...["--allow-loopback-http", "--format", "json"],
      ]);
      assert.equal(r.code, 1);
      const out = JSON.parse(r.stdout) as { findings: Located[] };
      assert.deepEqual(
        out.findings.map((f) => [f.code, f.file]),
        [["CHECKSUM_MISMATCH", "plugins/cost-aws/versions/1.1.0.json"]],
      );
    } finally {
      repo.cleanup();
    }
  });

  test("usage and git problems exit 2 with a code", async () => {
    const repo = await makeRepo(baseRegistry(url("/v1.tgz"), sha256(V1)), addV2());
    try {
      const missing = await gateCli(repo.dir, ["--base", "main"]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /--head/);
      const id = await gateCli(repo.dir, ["--base", "main", "--head", "pr", "--author-id", "alice"]);
      assert.equal(id.code, 2);
      assert.match(id.stderr, /--author-id/);
      const outside = await gateCli(repo.dir, ["--base", "main", "--head", "pr", "--registry-path", "../x"]);
      assert.equal(outside.code, 2);
      // The Action's artifact-mirror meaning (core/net/mirror.ts), refused by name before any git work.
      const mirror = await gateCli(repo.dir, [
        "--base",
        "main",
        "--head",
        "pr",
        "--artifact-mirror",
        "http://[",
      ]);
      assert.equal(mirror.code, 2, mirror.stderr);
      assert.match(mirror.stderr, /--artifact-mirror: the artifact mirror "http:\/\/\[" is neither a folder/);
      const unknown = await gateCli(repo.dir, ["--base", "main", "--head", "nope", "--format", "json"]);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stdout + unknown.stderr, /UNKNOWN_REVISION/);
      await gitIn(repo.dir, ["checkout", "-q", "pr"]);
      const head = await gateCli(repo.dir, [
        "--base",
        "main",
        "--head",
        "HEAD",
        "--no-artifacts",
        "--author-id",
        "1001",
      ]);
      assert.equal(head.code, 0, head.stdout + head.stderr);
    } finally {
      repo.cleanup();
    }
  });
});
