import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { OpenSSL } from "../signature/helpers/openssl.ts";
import { ALICE, configJson, entryJson, manifestJson, prEvent } from "./fixture.ts";
import { artifactServer, type Files, fakeApi, makeRepo, runAction, sha256 } from "./harness.ts";

const V1 = new TextEncoder().encode("cost-aws 1.0.0 release");
const V2 = new TextEncoder().encode("cost-aws 1.1.0 release");
const LABEL = "auto-merge-eligible";
const bin = fileURLToPath(new URL("../../bin/finfocus-registry.js", import.meta.url));
const openssl = new OpenSSL();
const key = openssl.key("p256");
let server: Awaited<ReturnType<typeof artifactServer>>;

before(async () => {
  server = await artifactServer({ "/v1.tgz": V1, "/v2.tgz": V2 });
});
after(async () => {
  await server.close();
  rmSync(openssl.dir, { recursive: true, force: true });
});

type Security = Record<string, unknown>;
const signed = (bytes: Uint8Array, extra: Security = {}): Security => ({
  security_level: "verified",
  signature: openssl.sign(key, bytes),
  public_key: key.publicKey,
  permissions: ["network_access"],
  ...extra,
});

/** cost-aws 1.0.0, verified and signed by the key alice's entry pins. */
function base(): Files {
  return {
    "registry/config.json": configJson(),
    "registry/plugins/cost-aws/entry.json": entryJson("cost-aws", [ALICE], {
      signers: { keys: [key.publicKey] },
    }),
    "registry/plugins/cost-aws/versions/1.0.0.json": manifestJson("cost-aws", "1.0.0", {
      url: `${server.url}/v1.tgz`,
      checksum: sha256(V1),
      security: signed(V1),
    }),
  };
}

const v2 = (security: Security, o: Parameters<typeof manifestJson>[2] = {}): Files => ({
  "registry/plugins/cost-aws/versions/1.1.0.json": manifestJson("cost-aws", "1.1.0", {
    url: `${server.url}/v2.tgz`,
    checksum: sha256(V2),
    security,
    ...o,
  }),
});

/** The bundled Action with a loopback API (labels, comments), then `gate --format json` on the same commits. */
async function review(pr: Files, labels: string[] = []) {
  const repo = await makeRepo(base(), pr);
  const api = await fakeApi();
  api.labels.push(...labels);
  try {
    const r = await runAction({
      workspace: repo.dir,
      event: prEvent(repo),
      api,
      inputs: { "auto-merge-label": LABEL, comment: "always" },
    });
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        bin,
        "gate",
        "--base",
        "main",
        "--head",
        "pr",
        "--author-id",
        "1001",
        "--allow-loopback-http",
        "--format",
        "json",
      ],
      { cwd: repo.dir, encoding: "utf8" },
    ).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
    const cli = JSON.parse(stdout) as { review: { autoMerge: { eligible: boolean; reasons: string[] } } };
    assert.equal(cli.review.autoMerge.eligible, r.outputs["auto-merge-eligible"] === "true", "one decision");
    return {
      ...r,
      labels: api.labels,
      comment: api.comments[0]?.body ?? "",
      reasons: cli.review.autoMerge.reasons,
    };
  } finally {
    await api.close();
    repo.cleanup();
  }
}

describe("reviewer help: what changed, and auto-merge eligibility", { concurrency: 3 }, () => {
  test("a new version signed by the pinned key, same permissions and level: eligible, labelled", async () => {
    const r = await review(v2(signed(V2)));
    assert.equal(r.outputs.valid, "true", r.stdout);
    assert.equal(r.outputs["auto-merge-eligible"], "true", r.reasons.join("; "));
    assert.deepEqual(r.labels, [LABEL]);
    assert.match(r.comment, /### What changed/);
    assert.match(
      r.comment,
      /cost-aws 1\.1\.0 \(against 1\.0\.0\): no change in permissions, security level or dependencies/,
    );
    assert.match(r.comment, /Eligible for auto-merge/);
  });

  test("new permissions and a new dependency: shown, not eligible, the label taken off", async () => {
    const r = await review(
      v2(signed(V2, { permissions: ["network_access", "process_spawn"] }), {
        dependencies: [{ name: "cost-base", version_constraint: "^1.0.0" }],
      }),
      [LABEL],
    );
    assert.equal(r.outputs["auto-merge-eligible"], "false");
    assert.deepEqual(r.labels, []);
    assert.match(r.comment, /new permissions `process_spawn`/);
    assert.match(r.comment, /new dependencies `cost-base`/);
    assert.ok(
      r.reasons.some((x) => x.includes("new permissions: process_spawn")),
      r.reasons.join("; "),
    );
  });

  test("an unsigned community version, and a signer change: not eligible, reasons given", async () => {
    const r = await review({
      ...v2({ security_level: "community", permissions: ["network_access"] }),
      "registry/plugins/cost-aws/entry.json": entryJson("cost-aws", [ALICE], {
        signers: { keys: [key.publicKey, openssl.key("p256").publicKey] },
      }),
    });
    assert.equal(r.outputs["auto-merge-eligible"], "false");
    assert.match(r.comment, /security level verified → community/);
    assert.match(r.comment, /\*\*signers added\*\* `key /);
    assert.ok(
      r.reasons.some((x) => x.includes("not verified against a pinned signer")),
      r.reasons.join("; "),
    );
    assert.ok(
      r.reasons.some((x) => x.includes("files other than new version manifests")),
      r.reasons.join("; "),
    );
  });
});
