/**
 * The changed-file list is complete or the gate fails (issue: what was reviewed is what
 * publishes). In a shallow checkout the gate falls back to the REST API's file list, which GitHub
 * caps at 3,000 files; a change hidden behind the cap, or behind a page that came back empty,
 * must fail the gate instead of passing it. The bundled Action against a loopback GitHub API.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ALICE, baseRegistry, prEvent } from "./fixture.ts";
import { artifactServer, type FakeApi, fakeApi, makeRepo, runAction, sha256 } from "./harness.ts";

const V1 = new TextEncoder().encode("v1");
let server: Awaited<ReturnType<typeof artifactServer>>;

before(async () => {
  server = await artifactServer({ "/v1.tgz": V1 });
});
after(() => server.close());

const WORKFLOW = ".github/workflows/validate.yml";

/** `count` harmless files of alice's plugin, with the workflow change hidden at `at`. */
function listing(count: number, at: number): FakeApi["files"] {
  const files: FakeApi["files"] = Array.from({ length: count }, (_, i) => ({
    filename: `registry/plugins/cost-aws/assets/f${i}.txt`,
    status: "modified",
  }));
  files.splice(at, 0, { filename: WORKFLOW, status: "modified" });
  return files;
}

async function gate(setup: (api: FakeApi, head: string) => void) {
  const api = await fakeApi();
  const repo = await makeRepo(baseRegistry(`${server.url}/v1.tgz`, sha256(V1)), {
    [WORKFLOW]: "name: pwned\n",
  });
  const shallow = await makeRepo({}, {});
  api.gitFrom = repo.dir;
  api.pull.headSha = repo.headSha;
  setup(api, repo.headSha);
  try {
    return await runAction({
      workspace: shallow.dir,
      event: prEvent(repo, ALICE),
      api,
      inputs: { comment: "never" },
    });
  } finally {
    repo.cleanup();
    shallow.cleanup();
    await api.close();
  }
}

describe("complete changed-file lists", { concurrency: 4 }, () => {
  test("a change listed after GitHub's 3,000-file cap fails the gate (CHANGES_INCOMPLETE)", async () => {
    const r = await gate((api) => {
      api.files = listing(3000, 3000);
    });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /::error::CHANGES_INCOMPLETE: The pull request changes 3001 files/);
    assert.equal(r.outputs.valid, undefined, "no verdict on part of a pull request");
  });

  test("a page that comes back empty part-way fails the gate", async () => {
    const r = await gate((api) => {
      api.files = listing(250, 150);
      api.filesFault = { page: 2 };
    });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /::error::CHANGES_INCOMPLETE: GitHub listed 100 distinct files of 251 changed/);
  });

  test("a page that fails part-way fails the gate", async () => {
    const r = await gate((api) => {
      api.files = listing(250, 150);
      api.filesFault = { page: 3, status: 502 };
    });
    assert.equal(r.code, 1);
    assert.equal(r.outputs.valid, undefined);
  });

  test("a listing of another head (the PR moved) fails the gate", async () => {
    const r = await gate((api) => {
      api.files = listing(3, 1);
      api.pull.headSha = "e".repeat(40);
    });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /CHANGES_INCOMPLETE: The pull request's head is eeeeeeeeeeee/);
  });

  test("a complete listing is judged: the hidden workflow change is OUTSIDE_REGISTRY", async () => {
    const r = await gate((api) => {
      api.files = listing(250, 150);
    });
    assert.deepEqual(
      r.findings.map((f) => `${f.code} ${f.file}`),
      [`OUTSIDE_REGISTRY ${WORKFLOW}`],
    );
  });
});
