import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { baseRegistry, entryJson, manifestJson } from "./fixture.ts";
import { artifactServer, makeRepo, type Route, runAction, sha256 } from "./harness.ts";

const V1 = new TextEncoder().encode("v1");
const routes: Record<string, Route> = { "/v1.tgz": V1 };
let server: Awaited<ReturnType<typeof artifactServer>>;

before(async () => {
  server = await artifactServer(routes);
});
after(() => server.close());

describe("push and schedule mode: the whole registry", { concurrency: 2 }, () => {
  test("every artifact is re-checked; one whose bytes changed after merge is reported (R5)", async () => {
    const repo = await makeRepo(
      {
        ...baseRegistry(`${server.url}/v1.tgz`, sha256(V1)),
        "registry/plugins/billing-gcp/entry.json": entryJson("billing-gcp"),
        "registry/plugins/billing-gcp/versions/2.0.0.json": manifestJson("billing-gcp", "2.0.0", {
          url: `${server.url}/moving.tgz`,
          checksum: sha256("as merged"),
        }),
      },
      {},
    );
    try {
      routes["/moving.tgz"] = new TextEncoder().encode("as merged");
      const ok = await runAction({ workspace: repo.dir, eventName: "push", event: { after: repo.baseSha } });
      assert.deepEqual(ok.findings, []);
      assert.equal(ok.outputs.valid, "true");
      assert.match(ok.summary, /\| billing-gcp \| 2\.0\.0 \|/);
      assert.match(ok.summary, /\| cost-aws \| 1\.0\.0 \|/);
      routes["/moving.tgz"] = new TextEncoder().encode("swapped after merge");
      const swapped = await runAction({ workspace: repo.dir, eventName: "schedule", event: {} });
      assert.deepEqual(
        swapped.findings.map((f) => `${f.code} ${f.file}`),
        ["CHECKSUM_MISMATCH registry/plugins/billing-gcp/versions/2.0.0.json"],
      );
      assert.equal(swapped.code, 1);
    } finally {
      repo.cleanup();
    }
  });

  test("this repository's own registry passes, keys and Sigstore bundles verified from demo/artifacts", async () => {
    const root = fileURLToPath(new URL("../../", import.meta.url));
    const r = await runAction({
      workspace: root,
      eventName: "push",
      event: {},
      inputs: { "artifact-mirror": "demo/artifacts", "allow-loopback-http": "false" },
    });
    assert.deepEqual(
      r.findings.filter((f) => f.severity === "error"),
      [],
    );
    assert.equal(r.outputs.valid, "true");
    assert.match(r.summary, /🔑 key/);
    assert.match(r.summary, /✍️ sigstore/);
  });
  test("an artifact-mirror that is no folder and no http(s) URL fails the run by name, as the runner's --artifact-mirror does", async () => {
    const root = fileURLToPath(new URL("../../", import.meta.url));
    const r = await runAction({
      workspace: root,
      eventName: "push",
      event: {},
      inputs: { "artifact-mirror": "gopher://mirror.example.test/" },
    });
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      /Input artifact-mirror: the artifact mirror "gopher:\/\/mirror\.example\.test\/" is neither a folder/,
    );
    assert.doesNotMatch(r.stdout + r.stderr, /TypeError/);
  });
});
