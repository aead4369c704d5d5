import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import nock from "nock";
import { trustedRootFor } from "../../core/gate/trusted-root.ts";
import { checkLayout } from "../../core/registry/check-layout.ts";
import { trustedRootFiles } from "../../core/registry/layout.ts";
import { fsSource } from "../../core/registry/registry-fs.ts";
import type { RegistryConfig } from "../../core/registry.types.ts";
import { chooseTrustedRoot } from "../../core/signature/choose-trusted-root.ts";
import { verifySigstoreBundle } from "../../core/signature/sigstore.ts";
import {
  parseTrustedRoot,
  publicGoodTrustedRoot,
  seedTrustedRootJson,
  type TrustedRootData,
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

describe("#16.6: additional trusted roots (private Sigstore instances), one rule for the gate and the runner", () => {
  const identity = "https://github.com/acme/p/.github/workflows/release.yml@refs/heads/main";
  const issuer = "https://token.actions.githubusercontent.com";
  const artifact = new TextEncoder().encode("artifact bytes");

  test("chooseTrustedRoot: a bundle from the private instance verifies only with it added; a missing one fails the choice", async () => {
    const main = await createMockInstance();
    const privateInstance = await createMockInstance();
    const bundle = await privateInstance.sign(artifact, identity, issuer);
    const verify = (root: TrustedRootData) =>
      verifySigstoreBundle({
        bundle,
        artifact,
        trustedRoot: root,
        pins: [{ identity, issuer }],
        requirePin: true,
        file: "b.sigstore.json",
      }).verified;
    const never = async () => ({ findings: [] });
    const alone = await chooseTrustedRoot({ registry: { json: main.trustedRoot, file: "main.json" } }, never);
    assert.equal(verify(alone.value!), false);
    const both = await chooseTrustedRoot(
      {
        registry: { json: main.trustedRoot, file: "main.json" },
        additional: [{ json: privateInstance.trustedRoot, file: "private.json" }],
      },
      never,
    );
    assert.equal(verify(both.value!), true);
    // The main instance still verifies its own bundles through the merged root.
    const own = await main.sign(artifact, identity, issuer);
    assert.equal(
      verifySigstoreBundle({
        bundle: own,
        artifact,
        trustedRoot: both.value!,
        pins: [{ identity, issuer }],
        requirePin: true,
        file: "a.sigstore.json",
      }).verified,
      true,
    );
    const broken = await chooseTrustedRoot(
      {
        registry: { json: main.trustedRoot, file: "main.json" },
        additional: [{ json: { mediaType: "nope" }, file: "private.json" }],
      },
      never,
    );
    assert.equal(broken.value, undefined);
    assert.deepEqual(
      broken.findings.map((f) => `${f.code} ${f.file}`),
      ["TRUSTED_ROOT_INVALID private.json"],
    );
  });

  test("the gate reads them from the base commit, and the registry layout admits exactly those files", async () => {
    const privateInstance = await createMockInstance();
    const dir = mkdtempSync(join(tmpdir(), "additional-roots-"));
    try {
      mkdirSync(join(dir, "roots", "private"), { recursive: true });
      mkdirSync(join(dir, "plugins"));
      writeFileSync(join(dir, "roots", "private", "acme.json"), JSON.stringify(privateInstance.trustedRoot));
      writeFileSync(join(dir, "roots", "private", "stray.json"), "{}");
      const config = {
        name: "r",
        base_url: "https://r.example/",
        spec_version: "0.1.0",
        maintainers: [],
        sigstore_additional_trusted_roots: ["roots/private/acme.json"],
      };
      writeFileSync(join(dir, "config.json"), JSON.stringify(config));
      const source = fsSource(dir, dir);
      const layout = await checkLayout(source, { trustedRoots: trustedRootFiles(config) });
      assert.deepEqual(
        layout.findings.map((f) => `${f.code} ${f.file}`),
        ["LAYOUT_UNEXPECTED roots/private/stray.json"],
      );
      const bundle = await privateInstance.sign(artifact, identity, issuer);
      const main = await createMockInstance();
      const root = await trustedRootFor(undefined, config as RegistryConfig, source, async () =>
        parseTrustedRoot(main.trustedRoot, "public-good"),
      );
      assert.ok(root.value, JSON.stringify(root.findings));
      assert.equal(
        verifySigstoreBundle({
          bundle,
          artifact,
          trustedRoot: root.value,
          pins: [{ identity, issuer }],
          requirePin: true,
          file: "b.sigstore.json",
        }).verified,
        true,
      );
      const missing = await trustedRootFor(
        undefined,
        { ...config, sigstore_additional_trusted_roots: ["roots/private/gone.json"] } as RegistryConfig,
        source,
        async () => parseTrustedRoot(main.trustedRoot, "public-good"),
      );
      assert.deepEqual(
        missing.findings.map((f) => `${f.code} ${f.pointer}`),
        ["TRUSTED_ROOT_INVALID /sigstore_additional_trusted_roots/0"],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
