import assert from "node:assert/strict";
import { test } from "node:test";
import { fillTemplate, type ReleaseFacts } from "../../release/manifest.ts";

const facts: ReleaseFacts = {
  version: "1.4.0",
  tag: "v1.4.0",
  downloadUrl: "https://github.com/acme/p/releases/download/v1.4.0/p.tar.gz",
  checksum: "a".repeat(64),
  publishedAt: "2026-11-20T10:00:00.123Z",
};

test("fills what the release knows and keeps everything else", () => {
  const template = {
    metadata: { name: "p", version: "0.0.0", description: "for {tag}", author: "A" },
    installation: { installation_method: "binary", checksum: "stale", checksum_algorithm: "md5" },
    security: { security_level: "verified", signature: "stale", public_key: "stale" },
  };
  const out = JSON.parse(fillTemplate(template, facts));
  assert.deepEqual(out.metadata, {
    name: "p",
    version: "1.4.0",
    description: "for v1.4.0",
    author: "A",
    updated_at: "2026-11-20T10:00:00Z",
    created_at: "2026-11-20T10:00:00Z",
  });
  assert.deepEqual(out.installation, {
    installation_method: "binary",
    checksum: "a".repeat(64),
    checksum_algorithm: "sha256",
    download_url: facts.downloadUrl,
  });
  assert.deepEqual(out.security, { security_level: "verified" }, "a stale signature is removed");
  assert.equal(template.metadata.version, "0.0.0", "the template is not changed");
});

test("a keyed signature goes into security; created_at from the template is kept", () => {
  const text = fillTemplate(
    { metadata: { name: "p", created_at: "2025-01-01T00:00:00Z" } },
    { ...facts, keySignature: { signature: "c2ln", publicKey: "PEM" } },
  );
  const out = JSON.parse(text);
  assert.equal(out.metadata.created_at, "2025-01-01T00:00:00Z");
  assert.deepEqual(out.security, { signature: "c2ln", public_key: "PEM" });
  assert.ok(text.endsWith("}\n"));
});

test("a template that is not an object is a TypeError", () => {
  assert.throws(() => fillTemplate([], facts), TypeError);
  assert.throws(() => fillTemplate("x", facts), TypeError);
});
