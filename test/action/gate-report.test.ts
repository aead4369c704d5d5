import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { ALICE, baseRegistry, MALLORY, manifestJson, prEvent } from "./fixture.ts";
import { artifactServer, fakeApi, makeRepo, type Repo, runAction, sha256 } from "./harness.ts";

const V1 = new TextEncoder().encode("v1");
const V2 = new TextEncoder().encode("v2");
let server: Awaited<ReturnType<typeof artifactServer>>;

before(async () => {
  server = await artifactServer({ "/v1.tgz": V1, "/v2.tgz": V2 });
});
after(() => server.close());

async function repoWith(checksum: string): Promise<Repo> {
  return makeRepo(baseRegistry(`${server.url}/v1.tgz`, sha256(V1)), {
    "registry/plugins/cost-aws/versions/1.1.0.json": manifestJson("cost-aws", "1.1.0", {
      url: `${server.url}/v2.tgz`,
      checksum,
    }),
  });
}

describe("reporting", { concurrency: 3 }, () => {
  test("the sticky comment is created once, then updated in place", async () => {
    const api = await fakeApi();
    // Someone else's comment quoting the marker must not be taken over.
    api.comments.push({
      id: 1,
      body: "<!-- finfocus-registry-gate --> spoof",
      user: { login: "mallory", type: "User" },
    });
    const bad = await repoWith(sha256("wrong"));
    const good = await repoWith(sha256(V2));
    try {
      const first = await runAction({ workspace: bad.dir, event: prEvent(bad), api });
      assert.equal(first.outputs.valid, "false");
      assert.equal(api.comments.length, 2);
      const mine = api.comments[1]!;
      assert.match(mine.body, /^<!-- finfocus-registry-gate -->/);
      assert.match(mine.body, /CHECKSUM_MISMATCH/);
      const second = await runAction({ workspace: good.dir, event: prEvent(good), api });
      assert.equal(second.outputs.valid, "true");
      assert.equal(api.comments.length, 2, "no duplicate comment");
      assert.equal(api.comments[1]!.id, mine.id);
      assert.match(api.comments[1]!.body, /The registry gate passed/);
      assert.equal(api.comments[0]!.body, "<!-- finfocus-registry-gate --> spoof");
      assert.ok(api.requests.includes(`PATCH /repos/acme/registry/issues/comments/${mine.id}`));
    } finally {
      bad.cleanup();
      good.cleanup();
      await api.close();
    }
  });

  test("comment: auto posts nothing when there is nothing to say; never posts nothing at all", async () => {
    const api = await fakeApi();
    const good = await repoWith(sha256(V2));
    const bad = await repoWith(sha256("wrong"));
    try {
      await runAction({ workspace: good.dir, event: prEvent(good), api });
      assert.equal(api.comments.length, 0);
      const r = await runAction({
        workspace: bad.dir,
        event: prEvent(bad),
        api,
        inputs: { comment: "never" },
      });
      assert.equal(api.comments.length, 0);
      assert.match(r.commentFile ?? "", /CHECKSUM_MISMATCH/);
    } finally {
      good.cleanup();
      bad.cleanup();
      await api.close();
    }
  });

  test("G5: a fork PR gets no API comment; the body and PR number are written for workflow_run", async () => {
    const api = await fakeApi();
    const repo = await repoWith(sha256("wrong"));
    try {
      const r = await runAction({ workspace: repo.dir, event: prEvent(repo, ALICE, { fork: true }), api });
      assert.equal(api.comments.length, 0);
      assert.ok(!api.requests.some((q) => q.startsWith("POST") || q.startsWith("PATCH")));
      assert.match(r.commentFile ?? "", /^<!-- finfocus-registry-gate -->/);
      assert.match(r.outputs["comment-file"] ?? "", /finfocus-registry-comment\/comment\.md$/);
    } finally {
      repo.cleanup();
      await api.close();
    }
  });

  test("a read-only token (403) falls back to the comment file with a warning", async () => {
    const api = await fakeApi();
    api.writeStatus = 403;
    const repo = await repoWith(sha256("wrong"));
    try {
      const r = await runAction({ workspace: repo.dir, event: prEvent(repo), api });
      assert.equal(r.outputs.valid, "false");
      assert.match(r.stdout, /::warning::The token cannot write PR comments/);
      assert.match(r.commentFile ?? "", /CHECKSUM_MISMATCH/);
    } finally {
      repo.cleanup();
      await api.close();
    }
  });

  test("G4: a PR title and branch name of shell syntax are never executed or rendered as markup", async () => {
    const api = await fakeApi();
    const marker = `/tmp/gate-g4-${process.pid}-${Date.now()}`;
    const repo = await makeRepo(baseRegistry(`${server.url}/v1.tgz`, sha256(V1)), {
      "registry/plugins/cost-aws/versions/1.1.0.json": manifestJson("cost-aws", "1.1.0", {
        url: `${server.url}/v2.tgz?$(touch ${marker})`,
        checksum: sha256("x"),
      }),
    });
    try {
      const title = `$(touch ${marker}) \`id\` <img src=x onerror=alert(1)>`;
      const r = await runAction({
        workspace: repo.dir,
        event: prEvent(repo, ALICE, { title, branch: `";touch ${marker};"` }),
        api,
      });
      assert.equal(existsSync(marker), false);
      assert.equal(r.outputs.valid, "false");
      const body = api.comments[0]?.body ?? "";
      assert.doesNotMatch(body, /<img/);
      assert.doesNotMatch(r.summary, /<img/);
    } finally {
      repo.cleanup();
      await api.close();
    }
  });

  test("a malformed input fails the step with a message naming it", async () => {
    const repo = await repoWith(sha256(V2));
    try {
      const usage = await runAction({
        workspace: repo.dir,
        event: prEvent(repo),
        inputs: { "fail-on": "sometimes" },
      });
      assert.equal(usage.code, 1);
      assert.match(usage.stdout, /::error::USAGE: Input fail-on must be one of error, warning/);
    } finally {
      repo.cleanup();
    }
  });

  test("a shallow checkout without the PR's commits falls back to the REST API for files and contents", async () => {
    const api = await fakeApi();
    const repo = await makeRepo(baseRegistry(`${server.url}/v1.tgz`, sha256(V1)), {
      "registry/plugins/cost-aws/versions/1.1.0.json": manifestJson("cost-aws", "1.1.0", {
        url: `${server.url}/v2.tgz`,
        checksum: sha256(V2),
      }),
      ".github/workflows/validate.yml": "name: changed\n",
    });
    const empty = await makeRepo({}, {});
    api.contentsFrom = repo.dir;
    api.files = [
      { filename: "registry/plugins/cost-aws/versions/1.1.0.json", status: "added" },
      { filename: ".github/workflows/validate.yml", status: "modified" },
    ];
    try {
      const r = await runAction({
        workspace: empty.dir,
        event: prEvent(repo, MALLORY),
        api,
        inputs: { comment: "never" },
      });
      assert.deepEqual(r.findings.map((f) => f.code).sort(), ["NOT_AN_OWNER", "OUTSIDE_REGISTRY"], r.stdout);
      assert.ok(api.requests.includes("GET /repos/acme/registry/pulls/7/files"));
      assert.ok(
        api.requests.some(
          (q) => decodeURIComponent(q) === "GET /repos/acme/registry/contents/registry/config.json",
        ),
        api.requests.join("\n"),
      );
    } finally {
      repo.cleanup();
      empty.cleanup();
      await api.close();
    }
  });

  test("fail-on: warning turns a warning into a failed step", async () => {
    const manifest = JSON.parse(
      manifestJson("cost-aws", "1.1.0", { url: `${server.url}/v2.tgz`, checksum: sha256(V2) }),
    ) as { installation: Record<string, unknown> };
    manifest.installation.post_install_steps = ["echo configured"];
    const repo = await makeRepo(baseRegistry(`${server.url}/v1.tgz`, sha256(V1)), {
      "registry/plugins/cost-aws/versions/1.1.0.json": JSON.stringify(manifest, null, 2),
    });
    try {
      const lenient = await runAction({ workspace: repo.dir, event: prEvent(repo) });
      assert.deepEqual(
        lenient.findings.map((f) => `${f.code} ${f.severity}`),
        ["INSTALL_SCRIPT_PRESENT warning"],
      );
      assert.equal(lenient.outputs.valid, "true");
      assert.equal(lenient.code, 0);
      const strict = await runAction({
        workspace: repo.dir,
        event: prEvent(repo),
        inputs: { "fail-on": "warning" },
      });
      assert.equal(strict.outputs.valid, "false");
      assert.equal(strict.code, 1);
    } finally {
      repo.cleanup();
    }
  });

  test("an orphan Sigstore bundle added by the PR is validated too", async () => {
    const repo = await makeRepo(baseRegistry(`${server.url}/v1.tgz`, sha256(V1)), {
      "registry/plugins/cost-aws/versions/9.9.9.sigstore.json": "{}",
    });
    try {
      const r = await runAction({ workspace: repo.dir, event: prEvent(repo) });
      assert.deepEqual(
        r.findings.map((f) => f.code),
        ["ORPHAN_FILE"],
      );
    } finally {
      repo.cleanup();
    }
  });
});
