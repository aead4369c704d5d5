/**
 * The bundled release Action as a process, from a GitHub release to a pull request on the
 * registry, and that pull request through the registry's own gate (dist/index.js): keyless
 * Sigstore and keyed signing, assets downloaded or built and uploaded, re-runs, forks, and the
 * refusals that leave nothing behind.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { ALICE } from "../action/fixture.ts";
import {
  addRelease,
  fileAt,
  gateOnPull,
  IDENTITY,
  ISSUER,
  KEY,
  PLUGIN,
  REGISTRY,
  release,
  template,
  type World,
  world,
} from "./fixture.ts";
import { bareRepo, gitText } from "./git-store.ts";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const BRANCH = (v: string) => `finfocus-release/cost-aws-${v}`;

let w: World;
before(async () => {
  w = await world();
});
after(() => w.close());

const branchSha = (dir: string, branch: string) =>
  gitText(dir, ["rev-parse", "--verify", "-q", `refs/heads/${branch}`]).catch(() => "");

describe("keyless, the release's asset", { concurrency: false }, () => {
  const ARCHIVE = "cost-aws 1.1.0 archive bytes";
  let event: Record<string, unknown>;
  before(() => {
    event = addRelease(w, "v1.1.0", { "cost-aws_1.1.0_linux_amd64.tar.gz": ARCHIVE, "notes.txt": "n" });
  });

  test("opens one pull request whose manifest, checksum and bundle pass the registry's gate", async () => {
    const r = await release(w, event, { artifact: "cost-aws_{version}_linux_amd64.tar.gz" });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.outputs.valid, "true");
    assert.deepEqual(r.findings, []);
    assert.equal(r.outputs.checksum, `sha256:${sha256(ARCHIVE)}`);
    assert.equal(r.outputs.signer, `Sigstore: ${IDENTITY} (${ISSUER})`);
    assert.deepEqual(w.sigstore.tokenRequests, ["sigstore"]);

    const pulls = w.gh.pulls.filter((p) => p.head === `finfocus:${BRANCH("1.1.0")}`);
    assert.equal(pulls.length, 1);
    assert.equal(pulls[0]!.base, "main");
    assert.deepEqual(
      pulls[0]!.user,
      { id: ALICE.github_id, login: ALICE.login },
      "the registry token's account",
    );
    assert.equal(r.outputs["pull-request-number"], String(pulls[0]!.number));

    const head = BRANCH("1.1.0");
    const manifest = JSON.parse(
      (await fileAt(w.registryDir, head, "registry/plugins/cost-aws/versions/1.1.0.json"))!,
    );
    assert.equal(manifest.metadata.version, "1.1.0");
    assert.equal(manifest.installation.checksum, sha256(ARCHIVE));
    assert.equal(
      manifest.installation.download_url,
      `${w.gh.url}/${PLUGIN}/releases/download/v1.1.0/cost-aws_1.1.0_linux_amd64.tar.gz`,
    );
    assert.equal(manifest.security.signature, undefined);
    const bundle = await fileAt(
      w.registryDir,
      head,
      "registry/plugins/cost-aws/versions/1.1.0.sigstore.json",
    );
    assert.match(bundle!, /"mediaType": "application\/vnd\.dev\.sigstore\.bundle/);
    assert.equal(r.written["plugins/cost-aws/versions/1.1.0.json"], `${JSON.stringify(manifest, null, 2)}\n`);

    // Tokens go where they belong: the plugin's to its own release, the registry's to the registry.
    for (const line of w.gh.requests) {
      if (line.includes(`/repos/${REGISTRY}`)) assert.match(line, / alice$/, line);
      if (line.includes(`/repos/${PLUGIN}/releases`)) assert.match(line, / github-actions\[bot\]$/, line);
    }

    const gate = await gateOnPull(w, w.registryDir, head);
    assert.equal(gate.code, 0, gate.stdout);
    assert.equal(gate.outputs.valid, "true", gate.stdout);
    assert.deepEqual(
      gate.findings.filter((f) => f.severity !== "info"),
      [],
      "the gate agrees with the release Action",
    );
    assert.match(gate.summary, /sigstore/);
  });

  test("a re-run moves the same branch and updates the same pull request", async () => {
    const before = await branchSha(w.registryDir, BRANCH("1.1.0"));
    const r = await release(w, event, { artifact: "cost-aws_{version}_linux_amd64.tar.gz" });
    assert.equal(r.code, 0, r.stdout);
    assert.equal(w.gh.pulls.filter((p) => p.head === `finfocus:${BRANCH("1.1.0")}`).length, 1);
    assert.notEqual(await branchSha(w.registryDir, BRANCH("1.1.0")), before, "a new bundle, a new commit");
    assert.match(r.stdout, /Pull request updated/);
  });

  test("an identity the registry does not pin is refused before any pull request", async () => {
    const other = addRelease(w, "v1.1.1", { "cost-aws_1.1.1_linux_amd64.tar.gz": "1.1.1" });
    w.sigstore.identity = {
      identity: IDENTITY.replace("refs/heads/main", "refs/tags/v1.1.1"),
      issuer: ISSUER,
    };
    try {
      const r = await release(w, other, { artifact: "cost-aws_{version}_linux_amd64.tar.gz" });
      assert.equal(r.code, 1);
      assert.deepEqual(
        r.findings.map((f) => [f.code, f.file]),
        [["IDENTITY_MISMATCH", "registry/plugins/cost-aws/versions/1.1.1.sigstore.json"]],
      );
      assert.equal(await branchSha(w.registryDir, BRANCH("1.1.1")), "", "no branch");
      assert.equal(w.gh.pulls.filter((p) => p.head.endsWith("1.1.1")).length, 0, "no pull request");
      assert.match(r.summary, /refused/);
    } finally {
      w.sigstore.identity = { identity: IDENTITY, issuer: ISSUER };
    }
  });
});

describe("a key from a secret, a file the workflow built", { concurrency: false }, () => {
  test("uploads the file after the checks, signs with the key, and the gate agrees", async () => {
    const event = addRelease(w, "v1.2.0");
    const built = "cost-aws 1.2.0 built in the workflow";
    const r = await release(
      w,
      event,
      { "artifact-path": "dist/cost-aws_1.2.0.tar.gz", signing: "key", "signing-key": KEY.privateKey },
      { workspace: { ".finfocus/manifest.json": template(), "dist/cost-aws_1.2.0.tar.gz": built } },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.outputs.signer!, /^key sha256:[0-9a-f]{64} \(ecdsa-p256\)$/);
    const logged = r.stdout.split("\n").filter((l) => !l.startsWith("::add-mask::"));
    assert.ok(!logged.join("\n").includes("PRIVATE KEY"), "the key reaches the log only to be masked");
    const uploaded = w.gh.releases.get(PLUGIN)!.find((x) => x.tag === "v1.2.0")!.assets;
    assert.deepEqual(
      uploaded.map((a) => [a.name, Buffer.from(a.bytes).toString()]),
      [["cost-aws_1.2.0.tar.gz", built]],
    );
    const manifest = JSON.parse(
      (await fileAt(w.registryDir, BRANCH("1.2.0"), "registry/plugins/cost-aws/versions/1.2.0.json"))!,
    );
    assert.equal(manifest.security.public_key, KEY.publicKey);
    assert.ok(manifest.security.signature.length > 80);
    const gate = await gateOnPull(w, w.registryDir, BRANCH("1.2.0"));
    assert.equal(gate.outputs.valid, "true", gate.stdout);
    assert.deepEqual(
      gate.findings.filter((f) => f.severity === "error"),
      [],
    );
  });

  test("dry-run: checked and written, nothing uploaded, no branch, no pull request", async () => {
    const event = addRelease(w, "v1.2.5");
    const r = await release(
      w,
      event,
      { "artifact-path": "dist/b.tar.gz", signing: "key", "signing-key": KEY.privateKey, "dry-run": "true" },
      { workspace: { ".finfocus/manifest.json": template(), "dist/b.tar.gz": "1.2.5" } },
    );
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.outputs.valid, "true");
    assert.equal(r.outputs["pull-request-url"], "");
    assert.ok(r.written["plugins/cost-aws/versions/1.2.5.json"]);
    assert.deepEqual(w.gh.releases.get(PLUGIN)!.find((x) => x.tag === "v1.2.5")!.assets, []);
    assert.equal(await branchSha(w.registryDir, BRANCH("1.2.5")), "");
    assert.match(r.summary, /dry run/);
  });

  test("a manifest core refuses: findings with pointers, nothing uploaded, no branch", async () => {
    const event = addRelease(w, "v1.3.0");
    const bad = template({
      specification: {
        spec_version: "0.1.0",
        supported_providers: ["aws"],
        capabilities: ["actual_cost"],
        service_definition: {
          service_name: "CostSourceService",
          package_name: "finfocus.v1",
          methods: ["GetActualCost"],
        },
      },
    });
    const r = await release(
      w,
      event,
      { "artifact-path": "dist/a.tar.gz", signing: "key", "signing-key": KEY.privateKey },
      { workspace: { ".finfocus/manifest.json": bad, "dist/a.tar.gz": "1.3.0" } },
    );
    assert.equal(r.code, 1);
    assert.deepEqual(
      r.findings.map((f) => [f.code, f.pointer]),
      [["MANIFEST_INVALID", "/specification/capabilities/0"]],
    );
    assert.ok(r.findings[0]!.line! > 1, "with a line in the written manifest");
    assert.deepEqual(
      w.gh.releases.get(PLUGIN)!.find((x) => x.tag === "v1.3.0")!.assets,
      [],
      "nothing uploaded",
    );
    assert.equal(await branchSha(w.registryDir, BRANCH("1.3.0")), "");
    assert.ok(
      r.written["plugins/cost-aws/versions/1.3.0.json"],
      "the manifest is kept for the author to read",
    );
  });

  test("a version the registry has is VERSION_EXISTS; a template that is not JSON is JSON_SYNTAX", async () => {
    const existing = { action: "published", release: w.gh.releasePayload(PLUGIN, "v1.0.0") };
    const r = await release(w, existing, { signing: "none" });
    assert.deepEqual(
      r.findings.map((f) => f.code),
      ["VERSION_EXISTS"],
    );
    const broken = await release(
      w,
      existing,
      { signing: "none" },
      { workspace: { ".finfocus/manifest.json": "{ nope" } },
    );
    assert.deepEqual(
      broken.findings.map((f) => [f.code, f.file]),
      [["JSON_SYNTAX", ".finfocus/manifest.json"]],
    );
    assert.equal(broken.code, 1);
  });

  test("a template that is a link to a device is FILE_UNREADABLE at once, never read", async () => {
    const existing = { action: "published", release: w.gh.releasePayload(PLUGIN, "v1.0.0") };
    const r = await release(
      w,
      existing,
      { signing: "none" },
      { workspace: { ".finfocus/manifest.json": { symlink: "/dev/zero" } } },
    );
    assert.deepEqual(
      r.findings.map((f) => [f.code, f.file]),
      [["FILE_UNREADABLE", ".finfocus/manifest.json"]],
    );
    assert.match(r.summary, /is not a regular file/);
    assert.equal(r.code, 1);
  });
});

describe("author text stays data", { concurrency: false }, () => {
  test("a template name that is a path is refused and never becomes one; findings are fenced", async () => {
    const event = addRelease(w, "v1.4.0", { "a.tar.gz": "1.4.0" });
    const evil = template().replace('"name": "cost-aws"', '"name": "../../x```\\n<script>"');
    const r = await release(
      w,
      event,
      { signing: "none" },
      { workspace: { ".finfocus/manifest.json": evil } },
    );
    assert.equal(r.code, 1);
    assert.deepEqual(
      r.findings.map((f) => [f.code, f.pointer, f.file]),
      [["MANIFEST_INVALID", "/metadata/name", "registry/plugins/invalid-name/versions/1.4.0.json"]],
    );
    assert.deepEqual(Object.keys(r.written), ["plugins/invalid-name/versions/1.4.0.json"]);
    assert.match(r.summary, /^`{3,}text\n[^`]*MANIFEST_INVALID[^`]*\n`{3,}$/m, "findings inside a fence");
    assert.ok(!r.summary.includes("../../x") && !r.summary.includes("<script>"), r.summary);
  });
});

describe("first version from a fork, started by hand", { concurrency: false }, () => {
  test("syncs the fork, adds entry.json, opens the PR from the fork, and the gate agrees", async () => {
    const fork = await bareRepo({ "README.md": "an old fork" });
    w.gh.repos.set("alice/registry", { dir: fork.dir, defaultBranch: "main", upstream: REGISTRY });
    try {
      w.gh.releases.set("acme/fx-rates", [
        {
          id: 90,
          tag: "2.0.0",
          assets: [{ id: 91, name: "fx.tar.gz", bytes: new TextEncoder().encode("fx") }],
        },
      ]);
      const entry = `${JSON.stringify(
        {
          name: "fx-rates",
          owners: [ALICE],
          repository: "acme/fx-rates",
          signers: { sigstore: [{ issuer: ISSUER, identity: IDENTITY }] },
        },
        null,
        2,
      )}\n`;
      const manifest = template({}).replaceAll("cost-aws", "fx-rates");
      const r = await release(
        w,
        { inputs: { tag: "2.0.0" } },
        { fork: "alice/registry" },
        {
          workspace: { ".finfocus/manifest.json": manifest, ".finfocus/entry.json": entry },
          eventName: "workflow_dispatch",
          repository: "acme/fx-rates",
        },
      );
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const pull = w.gh.pulls.find((p) => p.head === "alice:finfocus-release/fx-rates-2.0.0");
      assert.ok(pull, JSON.stringify(w.gh.pulls));
      assert.equal(
        await fileAt(fork.dir, "finfocus-release/fx-rates-2.0.0", "registry/plugins/fx-rates/entry.json"),
        entry.trim(),
      );
      assert.ok(w.gh.requests.some((l) => l.startsWith("POST /repos/alice/registry/merge-upstream")));
      // The gate agrees on everything but what only a maintainer grants: a new plugin that pins
      // signers and claims verified waits for a maintainer's approval, and nothing else.
      const gate = await gateOnPull(w, fork.dir, "finfocus-release/fx-rates-2.0.0");
      assert.deepEqual(
        gate.findings
          .filter((f) => f.severity === "error")
          .map((f) => `${f.code} ${f.file} ${f.pointer}`)
          .sort(),
        [
          "MAINTAINER_REQUIRED registry/plugins/fx-rates/entry.json /signers",
          "MAINTAINER_REQUIRED registry/plugins/fx-rates/versions/2.0.0.json /security/security_level",
        ],
        gate.stdout,
      );
    } finally {
      fork.cleanup();
      w.gh.repos.delete("alice/registry");
    }
  });
});

describe("usage and environment errors fail the step with what to do", { concurrency: false }, () => {
  test("signing: key without a key, a tag that is not SemVer, keyless without id-token", async () => {
    const event = addRelease(w, "v2.0.0", { "a.tar.gz": "2" });
    const noKey = await release(w, event, { signing: "key" });
    assert.equal(noKey.code, 1);
    assert.match(noKey.stdout, /signing: key needs the signing-key input/);

    const notSemver = await release(w, { release: { ...(event.release as object), tag_name: "latest" } });
    assert.equal(notSemver.code, 1);
    assert.match(notSemver.stdout, /tag "latest" is not a SemVer version/);

    const requests = w.gh.requests.length;
    const noToken = await release(
      w,
      event,
      { artifact: "a.tar.gz" },
      { without: ["ACTIONS_ID_TOKEN_REQUEST_URL"] },
    );
    assert.equal(noToken.code, 1);
    assert.match(noToken.stdout, /id-token: write/);
    assert.ok(!w.gh.requests.slice(requests).some((l) => l.startsWith("POST")), "nothing written");
  });
});
