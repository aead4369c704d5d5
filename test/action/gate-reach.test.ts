/**
 * What the gate merges, full validation accepts: the head is judged by the one judge (core's
 * loadRegistry) wherever a change can reach (the touched plugins whole, what they depend on, the
 * whole registry when a plugin loses versions or config.json changes), and a branch that does not
 * contain its base is refused (what merges would be a tree the gate never saw). Each case runs the
 * bundled Action on a real repository, and `validate` on the head shows the same refusal.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { fakeApi } from "./fake-api.ts";
import { ALICE, baseRegistry, entryJson, MAINT, MALLORY, manifestJson, prEvent } from "./fixture.ts";
import { artifactServer, type Files, gitIn, makeRepo, type Repo, runAction, sha256 } from "./harness.ts";

const bin = fileURLToPath(new URL("../../bin/finfocus-registry.js", import.meta.url));
const execFileAsync = promisify(execFile);

const V1 = new TextEncoder().encode("cost-aws 1.0.0 artifact");
let server: Awaited<ReturnType<typeof artifactServer>>;
before(async () => {
  server = await artifactServer({ "/v1.tgz": V1 });
});
after(() => server.close());

const repos: Repo[] = [];
after(() => {
  for (const r of repos) r.cleanup();
});

const manifest = (
  name: string,
  version: string,
  dependencies?: { name: string; version_constraint: string }[],
) =>
  manifestJson(name, version, {
    url: `${server.url}/v1.tgz`,
    checksum: sha256(V1),
    ...(dependencies ? { dependencies } : {}),
  });

/** cost-aws 1.0.0 (alice's) and billing-gcp 1.0.0 (mallory's), which needs cost-aws ^1.0.0. */
const base = (): Files => ({
  ...baseRegistry(`${server.url}/v1.tgz`, sha256(V1)),
  "registry/plugins/billing-gcp/entry.json": entryJson("billing-gcp", [MALLORY]),
  "registry/plugins/billing-gcp/versions/1.0.0.json": manifest("billing-gcp", "1.0.0", [
    { name: "cost-aws", version_constraint: "^1.0.0" },
  ]),
});

async function gate(pr: Files, author = ALICE, repo?: Repo) {
  const r = repo ?? (await makeRepo(base(), pr));
  repos.push(r);
  const run = await runAction({
    workspace: r.dir,
    event: prEvent(r, author),
    inputs: { comment: "never", "verify-artifacts": "false" },
  });
  return {
    run,
    repo: r,
    errors: run.findings.filter((f) => f.severity === "error").map((f) => `${f.code} ${f.file}`),
  };
}

/** `finfocus-registry validate` of the registry at a commit (the judge build uses). */
async function validateAt(repo: Repo, rev: string): Promise<string> {
  try {
    await execFileAsync(process.execPath, [bin, "validate", "--rev", rev, "--no-cache"], {
      cwd: repo.dir,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    return "";
  } catch (error) {
    return (error as { stdout: string }).stdout;
  }
}

describe("the gate judges what it merges as validate does", { concurrency: 4 }, () => {
  test("a yank of a version that was never published is refused (ENTRY_INVALID)", async () => {
    const { run, errors, repo } = await gate({
      "registry/plugins/cost-aws/entry.json": entryJson("cost-aws", [ALICE], {
        yanked: { "9.9.9": "never was" },
      }),
    });
    assert.equal(run.code, 1, run.stdout);
    assert.deepEqual(errors, ["ENTRY_INVALID registry/plugins/cost-aws/entry.json"]);
    assert.match(await validateAt(repo, repo.headSha), /ENTRY_INVALID/);
  });

  test("a dependency cycle through a touched plugin is refused (DEPENDENCY_CYCLE)", async () => {
    const { run, errors } = await gate({
      "registry/plugins/ring-a/entry.json": entryJson("ring-a"),
      "registry/plugins/ring-a/versions/1.0.0.json": manifest("ring-a", "1.0.0", [
        { name: "cost-aws", version_constraint: "^1.0.0" },
      ]),
      "registry/plugins/cost-aws/versions/1.1.0.json": manifest("cost-aws", "1.1.0", [
        { name: "ring-a", version_constraint: "^1.0.0" },
      ]),
    });
    assert.equal(run.code, 1, run.stdout);
    assert.ok(
      errors.some((e) => e.startsWith("DEPENDENCY_CYCLE ")),
      errors.join("\n"),
    );
  });

  test("a yank that leaves another owner's plugin without a version it needs is refused", async () => {
    const { run, errors, repo } = await gate({
      "registry/plugins/cost-aws/entry.json": entryJson("cost-aws", [ALICE], { yanked: { "1.0.0": "bad" } }),
    });
    assert.equal(run.code, 1, run.stdout);
    assert.deepEqual(errors, ["DEPENDENCY_UNSATISFIABLE registry/plugins/billing-gcp/versions/1.0.0.json"]);
    assert.match(await validateAt(repo, repo.headSha), /DEPENDENCY_UNSATISFIABLE/);
  });

  test("a config.json change is judged against every plugin", async () => {
    // A maintainer's config that no longer supports the spec version every manifest declares.
    const { run, errors, repo } = await gate(
      {
        "registry/config.json": `${JSON.stringify({
          name: "Test registry",
          base_url: "https://registry.example.test",
          spec_version: "0.2.0",
          maintainers: [MAINT],
          allow_loopback_http: true,
        })}\n`,
      },
      MAINT,
    );
    // Every manifest declares spec 0.1.0, which a 0.2.0 registry does not serve (0.x minors break).
    assert.equal(run.code, 1, run.stdout);
    assert.ok(
      errors.includes("SPEC_VERSION_INCOMPATIBLE registry/plugins/billing-gcp/versions/1.0.0.json"),
      errors.join("\n"),
    );
    assert.match(await validateAt(repo, repo.headSha), /SPEC_VERSION_INCOMPATIBLE/);
  });

  test("a new version, a new dependency on another plugin: still passes, reading only what it reaches", async () => {
    const { run, errors } = await gate(
      {
        "registry/plugins/cost-aws/versions/1.1.0.json": manifest("cost-aws", "1.1.0"),
        "registry/plugins/billing-gcp/versions/1.1.0.json": manifest("billing-gcp", "1.1.0", [
          { name: "cost-aws", version_constraint: "^1.1.0" },
        ]),
      },
      MAINT,
    );
    assert.deepEqual(errors, []);
    assert.equal(run.code, 0, run.stdout);
  });
});

/**
 * A branch made from an older base, whose base then published a version that clashes with the
 * branch's (the same name in another case): each alone passes, the merge would not.
 */
async function behindRepo(): Promise<Repo> {
  const repo = await makeRepo(base(), {
    "registry/plugins/cost-aws/versions/1.1.0-RC.1.json": manifest("cost-aws", "1.1.0-RC.1"),
  });
  repos.push(repo);
  const file = join(repo.dir, "registry/plugins/cost-aws/versions/1.1.0-rc.1.json");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, manifest("cost-aws", "1.1.0-rc.1"));
  await gitIn(repo.dir, ["add", "-A"]);
  await gitIn(repo.dir, ["commit", "-q", "-m", "publish 1.1.0-rc.1"]);
  const baseSha = await gitIn(repo.dir, ["rev-parse", "HEAD"]);
  // The merge is clean, and full validation refuses it: the case the gate must not let through.
  await gitIn(repo.dir, ["merge", "-q", "--no-edit", repo.headSha]);
  const merged = await gitIn(repo.dir, ["rev-parse", "HEAD"]);
  assert.match(await validateAt(repo, merged), /LAYOUT_CASE_CONFLICT/);
  await gitIn(repo.dir, ["reset", "-q", "--hard", baseSha]);
  return { ...repo, baseSha };
}

describe("a branch that does not contain its base is refused (BASE_NOT_IN_HEAD)", () => {
  test("from the checkout's history", async () => {
    const repo = await behindRepo();
    const { run, errors } = await gate({}, ALICE, repo);
    assert.equal(run.code, 1, run.stdout);
    assert.deepEqual(errors, ["BASE_NOT_IN_HEAD registry/plugins"]);
    assert.match(run.summary, /up to date/);
  });

  test("from the compare API in a shallow checkout, and by the gate command", async () => {
    const repo = await behindRepo();
    const api = await fakeApi();
    const shallow = await makeRepo({}, {});
    repos.push(shallow);
    api.gitFrom = repo.dir;
    api.pull.headSha = repo.headSha;
    api.files = [{ filename: "registry/plugins/cost-aws/versions/1.1.0-RC.1.json", status: "added" }];
    try {
      const run = await runAction({
        workspace: shallow.dir,
        event: prEvent(repo, ALICE),
        api,
        inputs: { comment: "never", "verify-artifacts": "false" },
      });
      assert.equal(run.code, 1, run.stdout);
      assert.ok(run.findings.some((f) => f.code === "BASE_NOT_IN_HEAD"));
      assert.ok(api.requests.some((r) => r.includes("/compare/")));
    } finally {
      await api.close();
    }
    const local = await execFileAsync(
      process.execPath,
      [bin, "gate", "--base", repo.baseSha, "--head", repo.headSha, "--author-id", "1001", "--no-artifacts"],
      { cwd: repo.dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
    ).catch((e: { code: number; stdout: string }) => e);
    assert.equal((local as { code?: number }).code, 1);
    assert.match((local as { stdout: string }).stdout, /BASE_NOT_IN_HEAD/);
  });

  test("once brought up to date, the clash itself is refused", async () => {
    const repo = await behindRepo();
    await gitIn(repo.dir, ["checkout", "-q", "pr"]);
    await gitIn(repo.dir, ["merge", "-q", "--no-edit", repo.baseSha]);
    const headSha = await gitIn(repo.dir, ["rev-parse", "HEAD"]);
    await gitIn(repo.dir, ["checkout", "-q", "-f", "main"]);
    const { run, errors } = await gate({}, ALICE, { ...repo, headSha });
    assert.equal(run.code, 1, run.stdout);
    assert.ok(
      errors.some((e) => e.startsWith("LAYOUT_CASE_CONFLICT ")),
      errors.join("\n"),
    );
    assert.ok(!errors.some((e) => e.startsWith("BASE_NOT_IN_HEAD")));
  });
});

describe("G17: a pull request from another account's fork is a change both accounts must be allowed to make", () => {
  const run = async (
    author: typeof MAINT,
    headRepo: unknown,
    head: Files = { ".github/workflows/validate.yml": "name: pwned\n" },
  ) => {
    const repo = await makeRepo(base(), head);
    repos.push(repo);
    const event = prEvent(repo, author);
    (event.pull_request.head as { repo: unknown }).repo = headRepo;
    return runAction({
      workspace: repo.dir,
      event,
      inputs: { comment: "never", "verify-artifacts": "false" },
    });
  };
  /** Refused for touching files outside plugins/ without a maintainer. */
  const refusedOutside = (r: Awaited<ReturnType<typeof run>>) => {
    assert.equal(r.code, 1, r.stdout);
    assert.ok(
      r.findings.some((f) => f.code === "OUTSIDE_REGISTRY"),
      JSON.stringify(r.findings),
    );
  };
  const mallorysFork = {
    full_name: "mallory/registry",
    owner: { id: MALLORY.github_id, login: MALLORY.login },
  };
  const maintsFork = { full_name: "maint/registry", owner: { id: MAINT.github_id, login: MAINT.login } };

  test("a maintainer who opens it from another's fork lends it no rights", async () => {
    const r = await run(MAINT, mallorysFork);
    refusedOutside(r);
    assert.match(r.stdout, /Opened by maint \(9\) from a fork of mallory \(2002\)/);
  });

  test("nor does the owner of the fork whose branch someone else opens", async () => {
    const r = await run(MALLORY, maintsFork);
    refusedOutside(r);
  });

  test("a fork that is gone (head.repo null) is nobody's rights", async () => {
    const r = await run(MAINT, null);
    refusedOutside(r);
  });

  test("the maintainer's own fork is the maintainer's change; an owner's version from a maintainer's fork passes", async () => {
    const own = await run(MAINT, maintsFork);
    assert.ok(!own.findings.some((f) => f.code === "OUTSIDE_REGISTRY"), JSON.stringify(own.findings));
    const version = await run(ALICE, maintsFork, {
      "registry/plugins/cost-aws/versions/1.1.0.json": manifest("cost-aws", "1.1.0"),
    });
    // alice owns cost-aws; the maintainer may add versions too: both may make this change.
    assert.equal(version.code, 0, version.stdout);
  });
});

describe("a folder under plugins/ that cannot be a plugin's is refused even when it cannot be looked up", () => {
  test("a backslash in the name (LAYOUT_UNEXPECTED)", async () => {
    const { run, errors } = await gate(
      { "registry/plugins/cost\\aws/entry.json": entryJson("cost-aws") },
      MAINT,
    );
    assert.equal(run.code, 1, run.stdout);
    assert.ok(
      errors.some((e) => e.startsWith("LAYOUT_UNEXPECTED ")),
      errors.join("\n"),
    );
  });
});
