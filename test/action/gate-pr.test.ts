import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type OciRegistry, startOciRegistry } from "../runner/helpers/oci-registry.ts";
import { ALICE, baseRegistry, entryJson, MAINT, MALLORY, manifestJson, prEvent } from "./fixture.ts";
import { artifactServer, type Files, makeRepo, runAction, sha256 } from "./harness.ts";

const V1 = new TextEncoder().encode("cost-aws 1.0.0 artifact");
const V2 = new TextEncoder().encode("cost-aws 1.1.0 artifact");
let server: Awaited<ReturnType<typeof artifactServer>>;
let images: OciRegistry;
const url = (path: string) => `${server.url}${path}`;

before(async () => {
  server = await artifactServer({ "/v1.tgz": V1, "/v2.tgz": V2 });
  images = await startOciRegistry();
});
after(() => Promise.all([server.close(), images.close()]));

/** Runs the gate on a PR over the standard base registry. */
async function gate(
  pr: Files,
  options: { author?: typeof ALICE; base?: Files; inputs?: Record<string, string> } = {},
) {
  const repo = await makeRepo({ ...baseRegistry(url("/v1.tgz"), sha256(V1)), ...options.base }, pr);
  try {
    const result = await runAction({
      workspace: repo.dir,
      event: prEvent(repo, options.author ?? ALICE),
      ...(options.inputs ? { inputs: options.inputs } : {}),
    });
    return { ...result, codes: result.findings.map((f) => f.code) };
  } finally {
    repo.cleanup();
  }
}

const addV2 = (o: Parameters<typeof manifestJson>[2] = {}) => ({
  "registry/plugins/cost-aws/versions/1.1.0.json": manifestJson("cost-aws", "1.1.0", {
    url: url("/v2.tgz"),
    checksum: sha256(V2),
    ...o,
  }),
});

describe("pull-request mode, run as the bundled Action", { concurrency: 4 }, () => {
  test("an owner adding a version with a matching checksum passes", async () => {
    const r = await gate(addV2());
    assert.deepEqual(r.codes, [], r.stdout);
    assert.equal(r.code, 0);
    assert.equal(r.outputs.valid, "true");
    assert.deepEqual(JSON.parse(r.outputs["changed-plugins"]!), ["cost-aws"]);
    assert.match(r.summary, /\| cost-aws \| 1\.1\.0 \| ✅ ok \| ✅ ok \| ✅ ok \| none \|/);
  });

  test("a container release: the document its digest pins is fetched from the registry, checked and verified", async () => {
    const digest = images.push("acme/cost-aws", [new TextEncoder().encode("layer bytes")]);
    const reference = `${images.host}/acme/cost-aws@${digest}`;
    const hex = digest.slice("sha256:".length);
    const r = await gate(addV2({ method: "container", url: reference, checksum: hex }));
    assert.deepEqual(r.codes, [], r.stdout);
    assert.match(r.summary, /\| cost-aws \| 1\.1\.0 \| ✅ ok \| ✅ ok \| ✅ ok \| none \|/);
    assert.ok(
      images.requests.includes(`/v2/acme/cost-aws/manifests/${digest}`),
      "the pinned document was asked for",
    );
    assert.ok(!images.requests.some((p) => p.includes("/blobs/")), "no layer is pulled");

    // A checksum that is not the pinned document's: refused, as the runner refuses it at install.
    const other = await gate(addV2({ method: "container", url: reference, checksum: "b".repeat(64) }));
    assert.deepEqual(other.codes, ["CHECKSUM_MISMATCH"]);
    assert.equal(other.code, 1);
  });

  test("a container release whose image is not in its registry, or whose registry serves other bytes, is refused", async () => {
    const absent = `${"c".repeat(64)}`;
    const missing = await gate(
      addV2({ method: "container", url: `${images.host}/acme/cost-aws@sha256:${absent}`, checksum: absent }),
    );
    assert.deepEqual(
      missing.findings.map((f) => [f.code, f.pointer]),
      [["DOWNLOAD_FAILED", "/installation/download_url"]],
    );
    assert.match(
      missing.stdout,
      /could not be fetched from .*Push the image, or fix the digest in download_url/,
    );
    assert.match(missing.summary, /\| cost-aws \| 1\.1\.0 \| ✅ ok \| ✅ ok \| ❌ failed \| none \|/);

    const digest = images.push("acme/swapped", [new TextEncoder().encode("swapped layer")]);
    images.content.set(digest, {
      bytes: new TextEncoder().encode("{}"),
      type: "application/vnd.oci.image.manifest.v1+json",
    });
    const hex = digest.slice("sha256:".length);
    const swapped = await gate(
      addV2({ method: "container", url: `${images.host}/acme/swapped@${digest}`, checksum: hex }),
    );
    assert.deepEqual(
      swapped.findings.map((f) => [f.code, f.pointer]),
      [["CHECKSUM_MISMATCH", "/installation/download_url"]],
    );
  });

  test("a container release pinned by tag is IMAGE_DIGEST_REQUIRED before any registry is asked", async () => {
    const r = await gate(addV2({ method: "container", url: `${images.host}/acme/tagged:1.1.0` }));
    assert.deepEqual(r.codes, ["IMAGE_DIGEST_REQUIRED"]);
    assert.ok(!images.requests.some((p) => p.includes("/acme/tagged")), images.requests.join("\n"));
  });

  test("CHECKSUM_MISMATCH fails the step with an annotation on the manifest", async () => {
    const r = await gate(addV2({ checksum: sha256("something else") }));
    assert.deepEqual(r.codes, ["CHECKSUM_MISMATCH"]);
    assert.equal(r.code, 1);
    assert.equal(r.outputs.valid, "false");
    assert.equal(r.findings[0]!.file, "registry/plugins/cost-aws/versions/1.1.0.json");
    assert.match(
      r.stdout,
      /::error title=CHECKSUM_MISMATCH at \/installation\/checksum,file=registry\/plugins\/cost-aws\/versions\/1\.1\.0\.json,line=\d+,col=\d+::/,
    );
  });

  test("NOT_AN_OWNER: a stranger adding a version (R2)", async () => {
    const r = await gate(addV2(), { author: MALLORY });
    assert.deepEqual(r.codes, ["NOT_AN_OWNER"]);
    assert.equal(r.findings[0]!.pointer, "/owners");
  });

  test("NOT_AN_OWNER: adding yourself to owners in the PR does not help (owners come from the base)", async () => {
    const r = await gate(
      { ...addV2(), "registry/plugins/cost-aws/entry.json": entryJson("cost-aws", [ALICE, MALLORY]) },
      { author: MALLORY },
    );
    assert.deepEqual(r.codes.sort(), ["MAINTAINER_REQUIRED", "NOT_AN_OWNER"]);
  });

  test("VERSION_IMMUTABLE: modifying or deleting a merged manifest (R3)", async () => {
    const modified = await gate({
      "registry/plugins/cost-aws/versions/1.0.0.json": manifestJson("cost-aws", "1.0.0", {
        url: url("/v2.tgz"),
        checksum: sha256(V2),
      }),
    });
    assert.ok(modified.codes.includes("VERSION_IMMUTABLE"), modified.codes.join());
    const deleted = await gate({ "registry/plugins/cost-aws/versions/1.0.0.json": null });
    assert.ok(deleted.codes.includes("VERSION_IMMUTABLE"), deleted.codes.join());
  });

  test("yanking through entry.json by an owner passes (R4)", async () => {
    const r = await gate({
      "registry/plugins/cost-aws/entry.json": entryJson("cost-aws", [ALICE], {
        yanked: { "1.0.0": "broken build" },
      }),
    });
    assert.deepEqual(r.codes, []);
    assert.equal(r.outputs.valid, "true");
  });

  test("MAINTAINER_REQUIRED: changing the repository or signer pins (R2)", async () => {
    const r = await gate({
      "registry/plugins/cost-aws/entry.json": entryJson("cost-aws", [ALICE], {
        repository: "evil/cost-aws",
        signers: { sigstore: [{ issuer: "https://token.actions.githubusercontent.com", identity: "x" }] },
      }),
    });
    assert.deepEqual(r.findings.map((f) => `${f.code} ${f.pointer}`).sort(), [
      "MAINTAINER_REQUIRED /repository",
      "MAINTAINER_REQUIRED /signers",
    ]);
  });

  test("OUTSIDE_REGISTRY: a PR editing the workflow fails, unless by a maintainer (G2)", async () => {
    const pr = { ".github/workflows/validate.yml": "name: pwned\n", ...addV2() };
    const stranger = await gate(pr);
    assert.deepEqual(stranger.codes, ["OUTSIDE_REGISTRY"]);
    assert.equal(stranger.findings[0]!.file, ".github/workflows/validate.yml");
    const maintainer = await gate({ ".github/workflows/validate.yml": "name: better\n" }, { author: MAINT });
    assert.deepEqual(maintainer.codes, []);
  });

  test("NAME_COLLISION and NAME_SIMILAR for new plugins (R1)", async () => {
    const newPlugin = (name: string) => ({
      [`registry/plugins/${name}/entry.json`]: entryJson(name),
      [`registry/plugins/${name}/versions/1.0.0.json`]: manifestJson(name, "1.0.0", {
        url: url("/v2.tgz"),
        checksum: sha256(V2),
      }),
    });
    const collision = await gate(newPlugin("cost_aws"));
    assert.ok(collision.codes.includes("NAME_COLLISION"), collision.codes.join());
    const similar = await gate(newPlugin("cost-awz"));
    assert.ok(similar.codes.includes("NAME_SIMILAR"), similar.codes.join());
    const fresh = await gate(newPlugin("billing-gcp"));
    assert.deepEqual(fresh.codes, []);
    assert.deepEqual(JSON.parse(fresh.outputs["changed-plugins"]!), ["billing-gcp"]);
  });

  test("a new plugin whose entry.json does not list its author fails NOT_AN_OWNER", async () => {
    const r = await gate({
      "registry/plugins/billing-gcp/entry.json": entryJson("billing-gcp", [MAINT]),
      "registry/plugins/billing-gcp/versions/1.0.0.json": manifestJson("billing-gcp", "1.0.0", {
        url: url("/v2.tgz"),
        checksum: sha256(V2),
      }),
    });
    assert.deepEqual(r.codes, ["NOT_AN_OWNER"]);
  });

  test("TRUST_DOWNGRADE: a lower security level than the previous version (R6)", async () => {
    const base = {
      "registry/plugins/cost-aws/versions/1.0.0.json": manifestJson("cost-aws", "1.0.0", {
        url: url("/v1.tgz"),
        checksum: sha256(V1),
        security: { security_level: "community" },
      }),
    };
    const r = await gate(addV2({ security: { security_level: "untrusted" } }), { base });
    assert.deepEqual(
      r.findings.map((f) => `${f.code} ${f.pointer}`),
      ["TRUST_DOWNGRADE /security/security_level"],
    );
  });

  test("downloads: a 404 and an oversized artifact are DOWNLOAD_FAILED", async () => {
    const missing = await gate(addV2({ url: url("/nope.tgz") }));
    assert.deepEqual(missing.codes, ["DOWNLOAD_FAILED"]);
    const big = await gate(addV2(), { inputs: { "max-download-mb": "0.00001" } });
    assert.deepEqual(big.codes, ["DOWNLOAD_FAILED"]);
  });

  test("verify-artifacts: false skips downloads", async () => {
    const r = await gate(addV2({ url: url("/nope.tgz") }), { inputs: { "verify-artifacts": "false" } });
    assert.deepEqual(r.codes, []);
    assert.match(r.summary, /not checked/);
  });

  test("G1: nothing from the PR runs and the checkout is untouched", async () => {
    const marker = join("/tmp", `gate-g1-${process.pid}-${Date.now()}`);
    const hostile = {
      ...addV2(),
      "package.json": JSON.stringify({
        scripts: { postinstall: `touch ${marker}`, prepare: `touch ${marker}` },
      }),
      ".gitattributes": "* filter=evil diff=evil\n",
      "registry/plugins/cost-aws/versions/evil.sh": `#!/bin/sh\ntouch ${marker}\n`,
    };
    const r = await gate(hostile, { author: MAINT });
    assert.equal(existsSync(marker), false);
    assert.equal(r.outputs.valid !== undefined, true);
  });

  test("new manifests are validated in registry context: base plus PR (dependencies, schema with positions)", async () => {
    const missingDep = await gate(
      addV2({ dependencies: [{ name: "no-such-plugin", version_constraint: "^1.0.0" }] }),
    );
    assert.deepEqual(missingDep.codes, ["DEPENDENCY_NOT_FOUND"]);
    const depInSamePr = await gate({
      ...addV2({ dependencies: [{ name: "billing-gcp", version_constraint: "^1.0.0" }] }),
      "registry/plugins/billing-gcp/entry.json": entryJson("billing-gcp"),
      "registry/plugins/billing-gcp/versions/1.0.0.json": manifestJson("billing-gcp", "1.0.0", {
        url: url("/v2.tgz"),
        checksum: sha256(V2),
      }),
    });
    assert.deepEqual(depInSamePr.codes, []);
    const invalid = await gate({
      "registry/plugins/cost-aws/versions/1.1.0.json": manifestJson("cost-aws", "1.1.0", {
        url: url("/v2.tgz"),
        checksum: sha256(V2),
        method: "teleport",
      }),
    });
    assert.ok(invalid.codes.includes("MANIFEST_INVALID"), invalid.codes.join());
    const f = invalid.findings.find((x) => x.code === "MANIFEST_INVALID")!;
    assert.equal(f.pointer, "/installation/installation_method");
    assert.ok(f.line && f.column);
  });

  test("pull_request_target is handled the same way, reading the PR as data", async () => {
    const repo = await makeRepo(baseRegistry(url("/v1.tgz"), sha256(V1)), addV2({ checksum: sha256("x") }));
    try {
      const r = await runAction({
        workspace: repo.dir,
        eventName: "pull_request_target",
        event: prEvent(repo),
      });
      assert.deepEqual(
        r.findings.map((f) => f.code),
        ["CHECKSUM_MISMATCH"],
      );
    } finally {
      repo.cleanup();
    }
  });
});
