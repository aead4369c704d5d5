/**
 * Versions are unique by SemVer precedence (issue: what was reviewed is what installs): a version
 * with build metadata (`1.0.0+x`), a non-canonical spelling (`v1.1.0`), or a bundle attached to a
 * published version through such a twin is refused, run as the bundled Action.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { baseRegistry, manifestJson, prEvent } from "./fixture.ts";
import { artifactServer, type Files, makeRepo, runAction, sha256 } from "./harness.ts";

const V1 = new TextEncoder().encode("cost-aws 1.0.0 artifact");
const EVIL = new TextEncoder().encode("not what was reviewed");
let server: Awaited<ReturnType<typeof artifactServer>>;

before(async () => {
  server = await artifactServer({ "/v1.tgz": V1, "/evil.tgz": EVIL });
});
after(() => server.close());

async function gate(pr: Files) {
  const repo = await makeRepo(baseRegistry(`${server.url}/v1.tgz`, sha256(V1)), pr);
  try {
    const r = await runAction({ workspace: repo.dir, event: prEvent(repo) });
    return { ...r, found: r.findings.map((f) => `${f.code} ${f.file}`) };
  } finally {
    repo.cleanup();
  }
}

const twin = (version: string) => ({
  [`registry/plugins/cost-aws/versions/${version}.json`]: manifestJson("cost-aws", version, {
    url: `${server.url}/evil.tgz`,
    checksum: sha256(EVIL),
  }),
});

describe("versions unique by precedence", { concurrency: 3 }, () => {
  test("1.0.0+evil beside a published 1.0.0 is refused: build metadata, and the same version", async () => {
    const r = await gate(twin("1.0.0+evil"));
    const file = "registry/plugins/cost-aws/versions/1.0.0+evil.json";
    assert.ok(r.found.includes(`INVALID_VERSION ${file}`), r.found.join("\n"));
    assert.ok(r.found.includes(`VERSION_EXISTS ${file}`), r.found.join("\n"));
    assert.equal(r.outputs.valid, "false");
  });

  test("a new version with build metadata, and a non-canonical spelling, are refused", async () => {
    const build = await gate(twin("1.1.0+build.5"));
    assert.ok(build.found.includes("INVALID_VERSION registry/plugins/cost-aws/versions/1.1.0+build.5.json"));
    const spelled = await gate(twin("v1.1.0"));
    assert.ok(
      spelled.found.includes("INVALID_VERSION registry/plugins/cost-aws/versions/v1.1.0.json"),
      spelled.found.join("\n"),
    );
  });

  test("a Sigstore bundle for 1.0.0+x changes the published 1.0.0 (VERSION_IMMUTABLE)", async () => {
    const r = await gate({ "registry/plugins/cost-aws/versions/1.0.0+x.sigstore.json": "{}" });
    assert.ok(
      r.found.includes("VERSION_IMMUTABLE registry/plugins/cost-aws/versions/1.0.0+x.sigstore.json"),
      r.found.join("\n"),
    );
  });
});
