/** The governance rules of issue "what was reviewed is what publishes", on small contexts. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { standingApprovals } from "../../core/governance/approvals.ts";
import { checkGovernance } from "../../core/governance/rules.ts";
import { AUTHOR, codes, context, entry, MAINTAINER, plugin, view } from "./context.ts";

const HEAD = "h".repeat(40);
const review = (id: number, userId: number, state: string, at: string, commit = HEAD) => ({
  id,
  user: { id: userId, login: `u${userId}` },
  state,
  commit_id: commit,
  submitted_at: at,
});

describe("standingApprovals: each reviewer's latest submitted review decides", () => {
  test("an approval on the head stands; later non-approvals, dismissals, older commits do not", () => {
    const ids = (reviews: Parameters<typeof standingApprovals>[0]) =>
      standingApprovals(reviews, HEAD).map((a) => a.id);
    assert.deepEqual(ids([review(1, 9, "APPROVED", "2026-01-01T00:00:00Z")]), [9]);
    assert.deepEqual(ids([review(1, 9, "APPROVED", "2026-01-01T00:00:00Z", "o".repeat(40))]), []);
    assert.deepEqual(
      ids([
        review(1, 9, "APPROVED", "2026-01-01T00:00:00Z"),
        review(2, 9, "COMMENTED", "2026-01-02T00:00:00Z"),
      ]),
      [],
    );
    assert.deepEqual(ids([review(1, 9, "DISMISSED", "2026-01-01T00:00:00Z")]), []);
    assert.deepEqual(
      ids([
        review(2, 9, "APPROVED", "2026-01-02T00:00:00Z"),
        review(1, 9, "CHANGES_REQUESTED", "2026-01-01T00:00:00Z"),
      ]),
      [9],
      "listing order does not matter, submission time does",
    );
    assert.deepEqual(ids([{ ...review(1, 9, "APPROVED", ""), submitted_at: null }]), [], "pending");
    assert.deepEqual(ids([{ ...review(1, 9, "APPROVED", "2026-01-01T00:00:00Z"), user: null }]), []);
  });
});

describe("MAINTAINER_REQUIRED for trust a new plugin claims (R7)", () => {
  const fresh = (signers?: object, level = "community") =>
    plugin("fresh", {
      headEntry: entry("fresh", [AUTHOR.id], signers ? { signers } : {}),
      entryChanged: true,
      addedVersions: [view("fresh", "1.0.0", { security_level: level as "community" })],
      previousVersions: [undefined],
    });
  test("pinned signers and a first claim above community need a maintainer", () => {
    assert.deepEqual(codes(checkGovernance(context({ plugins: [fresh({ keys: ["k"] })] }))), [
      "MAINTAINER_REQUIRED /signers",
    ]);
    assert.deepEqual(codes(checkGovernance(context({ plugins: [fresh(undefined, "verified")] }))), [
      "MAINTAINER_REQUIRED /security/security_level",
    ]);
    assert.deepEqual(codes(checkGovernance(context({ plugins: [fresh({ keys: [], sigstore: [] })] }))), []);
  });
  test("a maintainer's standing approval grants it; an approval by someone else does not", () => {
    const plugins = [fresh({ keys: ["k"] }, "official")];
    assert.deepEqual(
      codes(checkGovernance(context({ plugins, approvedBy: [{ id: MAINTAINER.github_id, login: "m" }] }))),
      [],
    );
    assert.equal(
      checkGovernance(context({ plugins, approvedBy: [{ id: 4242, login: MAINTAINER.login }] })).length,
      2,
    );
  });
  test("an existing plugin's new lowest version may not claim more than community alone", () => {
    const p = plugin("x", {
      baseEntry: entry("x", [AUTHOR.id]),
      baseVersions: ["2.0.0"],
      addedVersions: [view("x", "0.1.0", { security_level: "verified" })],
      previousVersions: [undefined],
    });
    assert.deepEqual(codes(checkGovernance(context({ plugins: [p] }))), [
      "MAINTAINER_REQUIRED /security/security_level",
    ]);
  });
});

describe("VERSION_EXISTS by precedence, ATTRIBUTES_FILE above the registry", () => {
  test("a build-metadata twin of a published or added version exists already", () => {
    const p = plugin("x", {
      baseEntry: entry("x", [AUTHOR.id]),
      baseVersions: ["1.0.0"],
      addedVersions: [view("x", "1.0.0+a"), view("x", "1.1.0"), view("x", "1.1.0+b")],
      previousVersions: [undefined, undefined, undefined],
    });
    const found = checkGovernance(context({ plugins: [p] })).filter((f) => f.code === "VERSION_EXISTS");
    assert.deepEqual(
      found.map((f) => f.file),
      ["registry/plugins/x/versions/1.0.0+a.json", "registry/plugins/x/versions/1.1.0+b.json"],
    );
  });
  test("a .gitattributes at the root or above the registry, added or changed, by anyone", () => {
    const changes = [
      { status: "added" as const, path: ".gitattributes" },
      { status: "modified" as const, path: "data/.gitattributes" },
      { status: "added" as const, path: "docs/.gitattributes" },
    ];
    const asMaintainer = { id: MAINTAINER.github_id, login: MAINTAINER.login };
    const found = checkGovernance(context({ registryPath: "data/registry", changes, author: asMaintainer }));
    assert.deepEqual(
      found.map((f) => `${f.code} ${f.file}`),
      ["ATTRIBUTES_FILE .gitattributes", "ATTRIBUTES_FILE data/.gitattributes"],
    );
  });
});
