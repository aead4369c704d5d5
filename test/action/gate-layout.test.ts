/**
 * One view, only regular files (issue: what was reviewed is what publishes): a pull request that
 * makes a registry entry anything but a regular file or folder where the layout expects one,
 * or adds what the layout does not name, is refused, run as the bundled Action on a real repository.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ALICE, baseRegistry, entryJson, MAINT, manifestJson, prEvent } from "./fixture.ts";
import { artifactServer, type Files, fakeApi, makeRepo, runAction, sha256 } from "./harness.ts";

const V1 = new TextEncoder().encode("cost-aws 1.0.0 artifact");
const V2 = new TextEncoder().encode("cost-aws 1.1.0 artifact");
let server: Awaited<ReturnType<typeof artifactServer>>;
const url = (path: string) => `${server.url}${path}`;

before(async () => {
  server = await artifactServer({ "/v1.tgz": V1, "/v2.tgz": V2 });
});
after(() => server.close());

async function gate(pr: Files, author = ALICE) {
  const repo = await makeRepo(baseRegistry(url("/v1.tgz"), sha256(V1)), pr);
  try {
    const r = await runAction({ workspace: repo.dir, event: prEvent(repo, author) });
    return { ...r, found: r.findings.map((f) => `${f.code} ${f.file}`) };
  } finally {
    repo.cleanup();
  }
}

const v2 = (name = "cost-aws", version = "1.1.0") =>
  manifestJson(name, version, { url: url("/v2.tgz"), checksum: sha256(V2) });

/** A new plugin whose files are all valid; the attack is in `extra`. */
const newPlugin = (extra: Files): Files => ({
  "registry/plugins/billing-gcp/entry.json": entryJson("billing-gcp"),
  ...extra,
});

describe("layout: only regular files, only where the layout names them", { concurrency: 4 }, () => {
  test("a versions/ folder that is a symbolic link to another plugin's is refused", async () => {
    const r = await gate(
      newPlugin({ "registry/plugins/billing-gcp/versions": { symlink: "../cost-aws/versions" } }),
    );
    assert.ok(
      r.found.includes("LAYOUT_NOT_REGULAR registry/plugins/billing-gcp/versions"),
      r.found.join("\n"),
    );
    assert.equal(r.outputs.valid, "false");
  });

  test("a manifest that is a symbolic link (to a reviewed file) is refused, not read through", async () => {
    const r = await gate({
      "registry/plugins/cost-aws/versions/1.1.0.json": { symlink: "1.0.0.json" },
    });
    assert.ok(
      r.found.includes("LAYOUT_NOT_REGULAR registry/plugins/cost-aws/versions/1.1.0.json"),
      r.found.join("\n"),
    );
  });

  test("a plugin folder replaced by a symbolic link is refused, even from a maintainer", async () => {
    const r = await gate({ "registry/plugins/billing-gcp": { symlink: "cost-aws" } }, MAINT);
    assert.ok(r.found.includes("LAYOUT_NOT_REGULAR registry/plugins/billing-gcp"), r.found.join("\n"));
  });

  test("a submodule (gitlink) under the registry is refused", async () => {
    const r = await gate(newPlugin({ "registry/plugins/billing-gcp/versions": { gitlink: "1".repeat(40) } }));
    assert.ok(
      r.found.includes("LAYOUT_NOT_REGULAR registry/plugins/billing-gcp/versions"),
      r.found.join("\n"),
    );
    const file = await gate({ "registry/plugins/cost-aws/versions/1.1.0.json": { gitlink: "2".repeat(40) } });
    assert.ok(
      file.found.includes("LAYOUT_NOT_REGULAR registry/plugins/cost-aws/versions/1.1.0.json"),
      file.found.join("\n"),
    );
  });

  test("an executable manifest is refused", async () => {
    const r = await gate({ "registry/plugins/cost-aws/versions/1.1.0.json": { executable: v2() } });
    assert.ok(
      r.found.includes("LAYOUT_NOT_REGULAR registry/plugins/cost-aws/versions/1.1.0.json"),
      r.found.join("\n"),
    );
  });

  test("a folder named like a manifest, stray files, .gitattributes and .gitmodules are refused", async () => {
    const r = await gate({
      "registry/plugins/cost-aws/versions/1.1.0.json/evil.json": v2(),
      "registry/plugins/cost-aws/README.md": "hello\n",
      "registry/plugins/cost-aws/.gitattributes": "*.json ident\n",
      "registry/plugins/cost-aws/versions/.gitmodules": "",
      "registry/plugins/cost-aws/versions/notes.txt": "notes\n",
    });
    for (const file of [
      "registry/plugins/cost-aws/versions/1.1.0.json",
      "registry/plugins/cost-aws/README.md",
      "registry/plugins/cost-aws/.gitattributes",
      "registry/plugins/cost-aws/versions/.gitmodules",
      "registry/plugins/cost-aws/versions/notes.txt",
    ])
      assert.ok(r.found.includes(`LAYOUT_UNEXPECTED ${file}`), `${file}\n${r.found.join("\n")}`);
  });

  test("stray entries at the registry root are refused, even from a maintainer", async () => {
    const r = await gate({ "registry/plugins.json": "{}", "registry/docs/x.md": "x" }, MAINT);
    assert.ok(r.found.includes("LAYOUT_UNEXPECTED registry/plugins.json"), r.found.join("\n"));
    assert.ok(r.found.includes("LAYOUT_UNEXPECTED registry/docs"), r.found.join("\n"));
  });

  test("names a case-insensitive or normalizing checkout would merge are refused", async () => {
    const r = await gate({
      "registry/plugins/cost-aws/versions/1.1.0-rc.1.json": v2("cost-aws", "1.1.0-rc.1"),
      "registry/plugins/cost-aws/versions/1.1.0-RC.1.json": v2("cost-aws", "1.1.0-RC.1"),
      // "entry.json" spelled with a combining accent: not the file the layout names.
      "registry/plugins/cost-aws/entry\u0301.json": "{}",
    });
    assert.ok(
      r.found.some((f) => f.startsWith("LAYOUT_CASE_CONFLICT registry/plugins/cost-aws/versions/")),
      r.found.join("\n"),
    );
    assert.ok(
      r.found.includes("LAYOUT_UNEXPECTED registry/plugins/cost-aws/entry\u0301.json"),
      r.found.join("\n"),
    );
  });

  test("a .gitattributes above the registry is refused for everyone (ATTRIBUTES_FILE)", async () => {
    const root = await gate({ ".gitattributes": "registry/** text eol=crlf\n" }, MAINT);
    assert.deepEqual(root.found, ["ATTRIBUTES_FILE .gitattributes"]);
    const elsewhere = await gate({ "docs/.gitattributes": "*.md text\n" }, MAINT);
    assert.deepEqual(elsewhere.found, []);
  });

  test("a clean pull request still passes", async () => {
    const r = await gate({ "registry/plugins/cost-aws/versions/1.1.0.json": v2() });
    assert.deepEqual(r.found, []);
  });

  test("over the REST API fallback (shallow checkout), a symbolic link is seen by its mode too", async () => {
    const api = await fakeApi();
    const repo = await makeRepo(baseRegistry(url("/v1.tgz"), sha256(V1)), {
      "registry/plugins/cost-aws/versions/1.1.0.json": { symlink: "1.0.0.json" },
    });
    const empty = await makeRepo({}, {});
    api.gitFrom = repo.dir;
    api.pull.headSha = repo.headSha;
    api.files = [{ filename: "registry/plugins/cost-aws/versions/1.1.0.json", status: "added" }];
    try {
      const r = await runAction({
        workspace: empty.dir,
        event: prEvent(repo),
        api,
        inputs: { comment: "never" },
      });
      const found = r.findings.map((f) => `${f.code} ${f.file}`);
      assert.ok(found.includes("LAYOUT_NOT_REGULAR registry/plugins/cost-aws/versions/1.1.0.json"), r.stdout);
      assert.ok(api.requests.some((q) => q.includes("/git/trees/")));
    } finally {
      repo.cleanup();
      empty.cleanup();
      await api.close();
    }
  });
});
