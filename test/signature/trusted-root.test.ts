import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import nock from "nock";
import {
  parseTrustedRoot,
  publicGoodTrustedRoot,
  seedTrustedRootJson,
} from "../../core/signature/trusted-root.ts";
import { tufTrustedRootFetcher } from "../../net/sigstore-tuf.ts";
import { createMockInstance } from "./helpers/sigstore-mock.ts";

// biome-ignore lint/suspicious/noExplicitAny: the cases below reach into trusted-root JSON at any depth
type Json = Record<string, any>;
let good: Json;

before(async () => {
  good = (await createMockInstance()).trustedRoot;
});
after(() => nock.cleanAll());

const mutate = (change: (root: Json) => void): Json => {
  const copy = structuredClone(good);
  change(copy);
  return copy;
};
const problems = (json: unknown) =>
  parseTrustedRoot(json, "root.json").findings.map((f) => `${f.code} ${f.pointer}`);

test("a complete trusted root parses", () => {
  const r = parseTrustedRoot(good, "root.json");
  assert.deepEqual(r.findings, []);
  assert.equal(r.value?.root.tlogs.length, 1);
});

test("the public-good root shipped in @sigstore/tuf passes our own validation", () => {
  assert.deepEqual(problems(seedTrustedRootJson()), []);
});

describe("an incomplete or malformed trusted root is TRUSTED_ROOT_INVALID", () => {
  const cases: Record<string, [(r: Json) => void, string]> = {
    "a transparency log without a validity start": [
      (r) => delete r.tlogs[0].publicKey.validFor.start,
      "/tlogs/0/publicKey/validFor/start",
    ],
    "a transparency log without validFor": [
      (r) => delete r.tlogs[0].publicKey.validFor,
      "/tlogs/0/publicKey/validFor/start",
    ],
    "a CT log with a null start": [
      (r) => (r.ctlogs[0].publicKey.validFor.start = null),
      "/ctlogs/0/publicKey/validFor/start",
    ],
    "a CA without a validity start": [
      (r) => delete r.certificateAuthorities[0].validFor,
      "/certificateAuthorities/0/validFor/start",
    ],
    "a validity that ends before it starts": [
      (r) => (r.tlogs[0].publicKey.validFor.end = "2019-01-01T00:00:00Z"),
      "/tlogs/0/publicKey/validFor/end",
    ],
    "an unreadable date": [
      (r) => (r.tlogs[0].publicKey.validFor.start = "yesterday"),
      "/tlogs/0/publicKey/validFor/start",
    ],
    "a log without key bytes": [(r) => delete r.tlogs[0].publicKey.rawBytes, "/tlogs/0/publicKey/rawBytes"],
    "a log without a log id": [(r) => delete r.tlogs[0].logId, "/tlogs/0/logId/keyId"],
    "a CA whose certificate is not DER": [
      (r) => (r.certificateAuthorities[0].certChain.certificates[0].rawBytes = "bm90IGEgY2VydA=="),
      "/certificateAuthorities/0/certChain/certificates/0/rawBytes",
    ],
    "a CA with no certificates": [
      (r) => (r.certificateAuthorities[0].certChain.certificates = []),
      "/certificateAuthorities/0/certChain/certificates",
    ],
    "an unknown media type": [(r) => (r.mediaType = "application/json"), "/mediaType"],
    "tlogs that are not an array": [(r) => (r.tlogs = {}), "/tlogs"],
    "a log key that is not a key": [(r) => (r.tlogs[0].publicKey.rawBytes = "AAAA"), ""],
  };
  for (const [name, [change, pointer]] of Object.entries(cases)) {
    test(name, () => assert.deepEqual(problems(mutate(change)), [`TRUSTED_ROOT_INVALID ${pointer}`]));
  }
  test("not an object", () => {
    for (const json of [null, [], "root", undefined])
      assert.deepEqual(problems(json), ["TRUSTED_ROOT_INVALID "]);
  });
});

test("an explicit null end means open-ended (as the Sigstore exports write it)", () => {
  assert.deepEqual(problems(mutate((r) => (r.tlogs[0].publicKey.validFor.end = null))), []);
});

describe("the public-good root: TUF when it answers, else the shipped copy with a warning", () => {
  test("no fetcher (TUF disabled): the seed, TRUSTED_ROOT_OFFLINE warning", async () => {
    const r = await publicGoodTrustedRoot();
    assert.equal(r.value?.source, "seed");
    assert.deepEqual(
      r.findings.map((f) => [f.code, f.severity]),
      [["TRUSTED_ROOT_OFFLINE", "warning"]],
    );
  });
  test("a fetcher that fails falls back to the seed", async () => {
    const r = await publicGoodTrustedRoot(async () => {
      throw new Error("getaddrinfo ENOTFOUND");
    });
    assert.equal(r.value?.source, "seed");
    assert.deepEqual(
      r.findings.map((f) => f.code),
      ["TRUSTED_ROOT_OFFLINE"],
    );
  });
  test("a fetcher that returns an invalid root falls back to the seed", async () => {
    const r = await publicGoodTrustedRoot(async () => ({ mediaType: "nope" }));
    assert.equal(r.value?.source, "seed");
    assert.deepEqual(
      r.findings.map((f) => f.code),
      ["TRUSTED_ROOT_OFFLINE"],
    );
  });
  test("a fetcher that answers is used, with no warning", async () => {
    const r = await publicGoodTrustedRoot(async () => good);
    assert.equal(r.value?.source, "tuf");
    assert.deepEqual(r.findings, []);
  });
  test("the TUF fetcher against an unreachable mirror fails fast and falls back", async () => {
    const cachePath = mkdtempSync(join(tmpdir(), "finfocus-tuf-"));
    try {
      const fetcher = tufTrustedRootFetcher({ cachePath, timeoutMs: 500 });
      const r = await publicGoodTrustedRoot(fetcher);
      assert.equal(r.value?.source, "seed");
      assert.deepEqual(
        r.findings.map((f) => f.code),
        ["TRUSTED_ROOT_OFFLINE"],
      );
    } finally {
      rmSync(cachePath, { recursive: true, force: true });
    }
  });
});
