/**
 * Trust is granted by maintainers (issue: nobody gets more trust than a maintainer granted): a new
 * plugin may not pin its own signers or claim `verified`/`official` in its first version without
 * a maintainer, and a maintainer's approving review on the head commit grants it, while one that
 * no longer stands (a later review, dismissed, an older commit, another account) does not. Run as
 * the bundled Action with the reviews served by a loopback GitHub API.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { OpenSSL } from "../signature/helpers/openssl.ts";
import type { ApiReview } from "./fake-api.ts";
import { ALICE, baseRegistry, entryJson, MAINT, MALLORY, manifestJson, prEvent } from "./fixture.ts";
import { artifactServer, type Files, fakeApi, makeRepo, runAction, sha256 } from "./harness.ts";

const V1 = new TextEncoder().encode("cost-aws 1.0.0 artifact");
const NEW = new TextEncoder().encode("billing-gcp 1.0.0 artifact");
const openssl = new OpenSSL();
let server: Awaited<ReturnType<typeof artifactServer>>;

before(async () => {
  server = await artifactServer({ "/v1.tgz": V1, "/new.tgz": NEW });
});
after(async () => {
  await server.close();
  rmSync(openssl.dir, { recursive: true, force: true });
});

/** A new plugin by alice that pins her own key and claims `level`, signed with that key. */
function selfPinned(level: string): Files {
  const key = openssl.key("p256");
  return {
    "registry/plugins/billing-gcp/entry.json": entryJson("billing-gcp", [ALICE], {
      signers: { keys: [key.publicKey] },
    }),
    "registry/plugins/billing-gcp/versions/1.0.0.json": manifestJson("billing-gcp", "1.0.0", {
      url: `${server.url}/new.tgz`,
      checksum: sha256(NEW),
      security: { security_level: level, signature: openssl.sign(key, NEW), public_key: key.publicKey },
    }),
  };
}

type Reviews = (repo: { baseSha: string; headSha: string }) => ApiReview[];

async function gate(pr: Files, reviews?: Reviews, eventName = "pull_request") {
  const repo = await makeRepo(baseRegistry(`${server.url}/v1.tgz`, sha256(V1)), pr);
  const api = await fakeApi();
  api.reviews = reviews?.(repo) ?? [];
  try {
    const r = await runAction({
      workspace: repo.dir,
      eventName,
      event: {
        ...prEvent(repo),
        ...(eventName === "pull_request_review" ? { review: { state: "approved" } } : {}),
      },
      api,
      inputs: { comment: "never" },
    });
    return { ...r, found: r.findings.map((f) => `${f.code} ${f.pointer}`), requests: api.requests };
  } finally {
    repo.cleanup();
    await api.close();
  }
}

let nextId = 1;
const review = (
  user: { github_id: number; login: string },
  state: string,
  commit: string,
  at: string,
): ApiReview => ({
  id: nextId++,
  user: { id: user.github_id, login: user.login },
  state,
  commit_id: commit,
  submitted_at: at,
});

describe("trust granted by maintainers", { concurrency: 4 }, () => {
  test("a new plugin pinning its own key and claiming verified needs a maintainer", async () => {
    const r = await gate(selfPinned("verified"));
    assert.deepEqual(r.found.sort(), [
      "MAINTAINER_REQUIRED /security/security_level",
      "MAINTAINER_REQUIRED /signers",
    ]);
    assert.equal(r.outputs.valid, "false");
  });

  test("a new plugin claiming official, or only pinning signers, needs a maintainer", async () => {
    const pins = await gate(selfPinned("community"));
    assert.deepEqual(pins.found, ["MAINTAINER_REQUIRED /signers"]);
    const official = await gate({
      "registry/plugins/billing-gcp/entry.json": entryJson("billing-gcp"),
      "registry/plugins/billing-gcp/versions/1.0.0.json": manifestJson("billing-gcp", "1.0.0", {
        url: `${server.url}/new.tgz`,
        checksum: sha256(NEW),
        security: { security_level: "official", signature: "c2ln", public_key: "k" },
      }),
    });
    assert.ok(
      official.found.includes("MAINTAINER_REQUIRED /security/security_level"),
      official.found.join("\n"),
    );
  });

  test("a maintainer's approving review on the head commit grants it", async () => {
    const r = await gate(selfPinned("verified"), (repo) => [
      review(MAINT, "APPROVED", repo.headSha, "2026-01-02T00:00:00Z"),
    ]);
    assert.deepEqual(r.found, []);
    assert.equal(r.outputs.valid, "true");
    assert.ok(r.requests.includes("GET /repos/acme/registry/pulls/7/reviews"));
  });

  test("the gate re-runs on pull_request_review events the same way", async () => {
    const r = await gate(
      selfPinned("verified"),
      (repo) => [review(MAINT, "APPROVED", repo.headSha, "2026-01-02T00:00:00Z")],
      "pull_request_review",
    );
    assert.deepEqual(r.found, []);
  });

  test("approvals that do not stand grant nothing", async () => {
    const cases: [string, Reviews][] = [
      ["on an earlier commit", (repo) => [review(MAINT, "APPROVED", repo.baseSha, "2026-01-02T00:00:00Z")]],
      [
        "followed by a comment",
        (repo) => [
          review(MAINT, "APPROVED", repo.headSha, "2026-01-02T00:00:00Z"),
          review(MAINT, "COMMENTED", repo.headSha, "2026-01-03T00:00:00Z"),
        ],
      ],
      [
        "followed by changes requested",
        (repo) => [
          review(MAINT, "APPROVED", repo.headSha, "2026-01-02T00:00:00Z"),
          review(MAINT, "CHANGES_REQUESTED", repo.headSha, "2026-01-03T00:00:00Z"),
        ],
      ],
      ["dismissed", (repo) => [review(MAINT, "DISMISSED", repo.headSha, "2026-01-02T00:00:00Z")]],
      ["by a non-maintainer", (repo) => [review(MALLORY, "APPROVED", repo.headSha, "2026-01-02T00:00:00Z")]],
      [
        "by an account that took a maintainer's login",
        (repo) => [
          review({ github_id: 777, login: MAINT.login }, "APPROVED", repo.headSha, "2026-01-02T00:00:00Z"),
        ],
      ],
      ["still pending", (repo) => [{ ...review(MAINT, "APPROVED", repo.headSha, ""), submitted_at: null }]],
    ];
    for (const [why, reviews] of cases) {
      const r = await gate(selfPinned("verified"), reviews);
      assert.deepEqual(
        r.found.sort(),
        ["MAINTAINER_REQUIRED /security/security_level", "MAINTAINER_REQUIRED /signers"],
        why,
      );
    }
  });

  test("an approval grants what needs a maintainer, not ownership: a stranger still cannot publish", async () => {
    const repo = await makeRepo(baseRegistry(`${server.url}/v1.tgz`, sha256(V1)), {
      "registry/plugins/cost-aws/versions/1.1.0.json": manifestJson("cost-aws", "1.1.0", {
        url: `${server.url}/v1.tgz`,
        checksum: sha256(V1),
      }),
    });
    const api = await fakeApi();
    api.reviews = [review(MAINT, "APPROVED", repo.headSha, "2026-01-02T00:00:00Z")];
    try {
      const r = await runAction({
        workspace: repo.dir,
        event: prEvent(repo, MALLORY),
        api,
        inputs: { comment: "never" },
      });
      assert.deepEqual(
        r.findings.map((f) => f.code),
        ["NOT_AN_OWNER"],
      );
    } finally {
      repo.cleanup();
      await api.close();
    }
  });
});
