import assert from "node:assert/strict";
import { test } from "node:test";
import { decideTuf, refusalReason, targetPath } from "../../core/tuf/client-policy.ts";
import { binBits, expiresAt, LIFETIME_MS, needsRefresh, nextVersion } from "../../core/tuf/tuf-layout.ts";

test("decideTuf: TUF when published or trusted before, refused when required and absent, else plain", () => {
  const base = { pinned: false, configuredRoot: false, required: false };
  assert.deepEqual(decideTuf({ ...base, metadata: "meta/" }), { use: "tuf", metadata: "meta/" });
  assert.deepEqual(decideTuf({ ...base, pinned: true }), { use: "tuf", metadata: "tuf/" });
  assert.deepEqual(decideTuf({ ...base, configuredRoot: true }), { use: "tuf", metadata: "tuf/" });
  assert.equal(decideTuf({ ...base, required: true }).use, "refuse");
  assert.deepEqual(decideTuf(base), { use: "plain" });
});

test("targetPath: only documents under the registry root are targets", () => {
  const root = "https://r.example/sub/";
  assert.equal(
    targetPath("https://r.example/sub/api/v1/plugins/a%2Db/index.json", root),
    "api/v1/plugins/a-b/index.json",
  );
  assert.equal(
    targetPath("https://r.example/sub/.well-known/finfocus-registry.json", "https://r.example/sub"),
    ".well-known/finfocus-registry.json",
  );
  assert.equal(targetPath("https://other.example/sub/api/v1/x.json", root), undefined);
  assert.equal(targetPath("https://r.example/api/v1/x.json", root), undefined);
  assert.equal(targetPath("https://r.example/sub/", root), undefined);
  assert.equal(targetPath("https://r.example/sub/a//b.json", root), undefined);
  // A registry's api_root may hold percent signs that encode no UTF-8: no target, not a URIError.
  for (const odd of [
    "https://r.example/sub/api/%ZZ/x.json",
    "https://r.example/sub/api/%E0%A4/x.json",
    "not a url",
  ])
    assert.equal(targetPath(odd, root), undefined, odd);
});

test("refusalReason names the library's error class", () => {
  class ExpiredMetadataError extends Error {}
  assert.equal(refusalReason(new ExpiredMetadataError("x")), "ExpiredMetadataError");
  assert.equal(refusalReason("text"), "unknown");
});

test("bins grow with the registry, about 32 targets each, between 2 and 65,536", () => {
  assert.equal(binBits(0), 1);
  assert.equal(binBits(64), 1);
  assert.equal(binBits(65), 2);
  assert.equal(binBits(60_000), 11);
  assert.equal(binBits(1e9), 16);
});

test("versions move forward even from an empty folder; refresh at half the lifetime", () => {
  const now = new Date("2026-06-01T00:00:00Z");
  const seconds = now.getTime() / 1000;
  assert.equal(nextVersion(undefined, now), seconds);
  assert.equal(nextVersion(seconds + 10, now), seconds + 11);
  assert.equal(expiresAt(now, "timestamp"), "2026-06-02T00:00:00Z");
  const half = new Date(now.getTime() + LIFETIME_MS.timestamp / 2 + 1);
  assert.equal(needsRefresh(expiresAt(now, "timestamp"), now, "timestamp"), false);
  assert.equal(needsRefresh(expiresAt(now, "timestamp"), half, "timestamp"), true);
});
