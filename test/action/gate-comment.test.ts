/**
 * The sticky comment is ours (issue: what was reviewed is what publishes): the gate updates only a
 * comment its own token's account wrote. A marker in anyone else's comment, another bot's
 * included, is ignored. The bundled Action against a loopback GitHub API.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { baseRegistry, manifestJson, prEvent } from "./fixture.ts";
import { ACTIONS_BOT, artifactServer, fakeApi, makeRepo, type Repo, runAction, sha256 } from "./harness.ts";

const V1 = new TextEncoder().encode("v1");
const V2 = new TextEncoder().encode("v2");
const MARKER = "<!-- finfocus-registry-gate -->";
let server: Awaited<ReturnType<typeof artifactServer>>;

before(async () => {
  server = await artifactServer({ "/v1.tgz": V1, "/v2.tgz": V2 });
});
after(() => server.close());

async function failingPr(): Promise<Repo> {
  return makeRepo(baseRegistry(`${server.url}/v1.tgz`, sha256(V1)), {
    "registry/plugins/cost-aws/versions/1.1.0.json": manifestJson("cost-aws", "1.1.0", {
      url: `${server.url}/v2.tgz`,
      checksum: sha256("wrong"),
    }),
  });
}

const spoof = (id: number, login: string, type: string) => ({
  id,
  body: `${MARKER}\n✅ **The registry gate passed.** (forged)`,
  user: { id: 424242 + id, login, type },
});

describe("the sticky comment is the gate's own", { concurrency: 3 }, () => {
  test("another bot's or a user's comment carrying the marker is never updated", async () => {
    const api = await fakeApi();
    api.comments.push(spoof(1, "evil-app[bot]", "Bot"), spoof(2, "mallory", "User"));
    const repo = await failingPr();
    try {
      await runAction({ workspace: repo.dir, event: prEvent(repo), api });
      assert.equal(api.comments.length, 3);
      assert.match(api.comments[0]!.body, /forged/);
      assert.match(api.comments[1]!.body, /forged/);
      const mine = api.comments[2]!;
      assert.equal(mine.user.id, ACTIONS_BOT.id);
      assert.match(mine.body, /CHECKSUM_MISMATCH/);
      await runAction({ workspace: repo.dir, event: prEvent(repo), api });
      assert.equal(api.comments.length, 3, "the second run updates the gate's own comment");
      assert.ok(api.requests.includes(`PATCH /repos/acme/registry/issues/comments/${mine.id}`));
      assert.ok(!api.requests.some((q) => /PATCH .*\/comments\/[12]$/.test(q)));
    } finally {
      repo.cleanup();
      await api.close();
    }
  });

  test("comment-author names the token's login (a GitHub App); other accounts' comments stay untouched", async () => {
    const api = await fakeApi();
    api.viewer = { id: 5150, login: "registry-app[bot]", type: "Bot" };
    api.graphqlStatus = 403;
    api.comments.push(spoof(1, "github-actions[bot]", "Bot"), { ...spoof(2, "Registry-App[bot]", "Bot") });
    const repo = await failingPr();
    try {
      const r = await runAction({
        workspace: repo.dir,
        event: prEvent(repo),
        api,
        inputs: { "comment-author": "registry-app[bot]" },
      });
      assert.equal(r.outputs.valid, "false");
      assert.equal(api.comments.length, 2);
      assert.match(api.comments[0]!.body, /forged/);
      assert.match(api.comments[1]!.body, /CHECKSUM_MISMATCH/);
    } finally {
      repo.cleanup();
      await api.close();
    }
  });

  test("when the token's identity cannot be learned, nothing is posted (the body stays in the comment file)", async () => {
    const api = await fakeApi();
    api.graphqlStatus = 403;
    api.comments.push(spoof(1, "github-actions[bot]", "Bot"));
    const repo = await failingPr();
    try {
      const r = await runAction({ workspace: repo.dir, event: prEvent(repo), api });
      assert.match(r.stdout, /::warning::The token's identity could not be read/);
      assert.equal(api.comments.length, 1);
      assert.match(api.comments[0]!.body, /forged/);
      assert.match(r.commentFile ?? "", /CHECKSUM_MISMATCH/);
    } finally {
      repo.cleanup();
      await api.close();
    }
  });
});
