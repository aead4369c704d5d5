import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { classifyChangedPath } from "../../core/governance/classify.ts";
import { checkGovernance, governanceRules } from "../../core/governance/rules.ts";
import { AUTHOR, codes, context, entry, MAINTAINER, plugin, view } from "./context.ts";

const asMaintainer = { id: MAINTAINER.github_id, login: MAINTAINER.login };

describe("classifyChangedPath", () => {
  test("sorts paths into entry, version, bundle, plugin-other and outside", () => {
    assert.deepEqual(classifyChangedPath("registry", "registry/plugins/x/entry.json"), {
      kind: "entry",
      plugin: "x",
    });
    assert.deepEqual(classifyChangedPath("registry", "registry/plugins/x/versions/1.0.0.json"), {
      kind: "version",
      plugin: "x",
      version: "1.0.0",
    });
    assert.deepEqual(classifyChangedPath("registry", "registry/plugins/x/versions/1.0.0.sigstore.json"), {
      kind: "bundle",
      plugin: "x",
      version: "1.0.0",
    });
    assert.equal(classifyChangedPath("registry", "registry/plugins/x/README.md").kind, "plugin-other");
    assert.equal(classifyChangedPath("registry", "registry/config.json").kind, "outside");
    assert.equal(classifyChangedPath("registry", ".github/workflows/ci.yml").kind, "outside");
    assert.equal(classifyChangedPath("registry", "registry/pluginsx/a/entry.json").kind, "outside");
    assert.equal(classifyChangedPath(".", "plugins/x/entry.json").kind, "entry");
  });
});

describe("OUTSIDE_REGISTRY (G2)", () => {
  const changes = [
    { status: "modified" as const, path: ".github/workflows/validate.yml" },
    { status: "modified" as const, path: "registry/config.json" },
    { status: "added" as const, path: "registry/plugins/x/versions/1.0.0.json" },
  ];
  test("fails for a non-maintainer, one finding per outside path", () => {
    const found = checkGovernance(context({ changes })).filter((f) => f.code === "OUTSIDE_REGISTRY");
    assert.deepEqual(
      found.map((f) => f.file),
      [".github/workflows/validate.yml", "registry/config.json"],
    );
  });
  test("passes for a maintainer", () => {
    const found = checkGovernance(context({ changes, author: asMaintainer }));
    assert.equal(found.filter((f) => f.code === "OUTSIDE_REGISTRY").length, 0);
  });
});

describe("VERSION_IMMUTABLE (R3)", () => {
  test("modifying or deleting a merged manifest or bundle fails, even for a maintainer", () => {
    const changes = [
      { status: "modified" as const, path: "registry/plugins/x/versions/1.0.0.json" },
      { status: "deleted" as const, path: "registry/plugins/x/versions/0.9.0.json" },
      { status: "deleted" as const, path: "registry/plugins/x/versions/0.9.0.sigstore.json" },
      { status: "added" as const, path: "registry/plugins/x/versions/1.1.0.json" },
    ];
    const found = checkGovernance(context({ changes, author: asMaintainer }));
    assert.deepEqual(codes(found), ["VERSION_IMMUTABLE ", "VERSION_IMMUTABLE ", "VERSION_IMMUTABLE "]);
  });
  test("adding a Sigstore bundle to a published version fails; beside a new version it is fine", () => {
    const changes = [
      { status: "added" as const, path: "registry/plugins/x/versions/1.0.0.sigstore.json" },
      { status: "added" as const, path: "registry/plugins/x/versions/1.1.0.sigstore.json" },
    ];
    const owned = entry("x", [AUTHOR.id]);
    const plugins = [plugin("x", { baseEntry: owned, headEntry: owned, baseVersions: ["1.0.0"] })];
    const found = checkGovernance(context({ changes, plugins }));
    assert.deepEqual(
      found.map((f) => `${f.code} ${f.file}`),
      ["VERSION_IMMUTABLE registry/plugins/x/versions/1.0.0.sigstore.json"],
    );
  });
});

describe("NOT_AN_OWNER (R2)", () => {
  test("an owner may add a version", () => {
    const ctx = context({
      plugins: [plugin("x", { baseEntry: entry("x", [AUTHOR.id]), headEntry: entry("x", [AUTHOR.id]) })],
    });
    assert.deepEqual(checkGovernance(ctx), []);
  });
  test("a non-owner touching a plugin fails at /owners", () => {
    const ctx = context({
      plugins: [plugin("x", { baseEntry: entry("x", [5]), headEntry: entry("x", [5]) })],
    });
    assert.deepEqual(codes(checkGovernance(ctx)), ["NOT_AN_OWNER /owners"]);
  });
  test("owners come from the base: listing yourself in the PR's entry.json does not help", () => {
    const ctx = context({
      plugins: [
        plugin("x", {
          baseEntry: entry("x", [5]),
          headEntry: entry("x", [5, AUTHOR.id]),
          entryChanged: true,
        }),
      ],
    });
    assert.deepEqual(codes(checkGovernance(ctx)), ["NOT_AN_OWNER /owners", "MAINTAINER_REQUIRED /owners"]);
  });
  test("a new plugin must list its author as owner", () => {
    const ok = context({
      plugins: [plugin("newp", { headEntry: entry("newp", [AUTHOR.id]), entryChanged: true })],
    });
    assert.deepEqual(checkGovernance(ok), []);
    const missing = context({
      plugins: [plugin("newp", { headEntry: entry("newp", [77]), entryChanged: true })],
    });
    assert.deepEqual(codes(checkGovernance(missing)), ["NOT_AN_OWNER /owners"]);
    const noEntry = context({ plugins: [plugin("newp")] });
    assert.deepEqual(codes(checkGovernance(noEntry)), ["NOT_AN_OWNER "]);
  });
  test("the owner check uses the numeric id, not the login", () => {
    const base = entry("x", [5]);
    base.owners[0]!.login = AUTHOR.login;
    const ctx = context({ plugins: [plugin("x", { baseEntry: base, headEntry: base })] });
    assert.deepEqual(codes(checkGovernance(ctx)), ["NOT_AN_OWNER /owners"]);
  });
});

describe("MAINTAINER_REQUIRED (R2)", () => {
  const base = entry("x", [AUTHOR.id], { signers: { keys: ["K1"] } });
  const changed = (head: ReturnType<typeof entry>) =>
    context({ plugins: [plugin("x", { baseEntry: base, headEntry: head, entryChanged: true })] });
  test("owners, repository and signers changes need a maintainer", () => {
    assert.deepEqual(
      codes(checkGovernance(changed(entry("x", [AUTHOR.id, 5], { signers: { keys: ["K1"] } })))),
      ["MAINTAINER_REQUIRED /owners"],
    );
    assert.deepEqual(
      codes(
        checkGovernance(
          changed(entry("x", [AUTHOR.id], { repository: "evil/x", signers: { keys: ["K1"] } })),
        ),
      ),
      ["MAINTAINER_REQUIRED /repository"],
    );
    assert.deepEqual(
      codes(checkGovernance(changed(entry("x", [AUTHOR.id], { signers: { keys: ["K2"] } })))),
      ["MAINTAINER_REQUIRED /signers"],
    );
  });
  test("yanking and deprecating by an owner is allowed", () => {
    const head = entry("x", [AUTHOR.id], {
      signers: { keys: ["K1"] },
      yanked: { "1.0.0": "broken" },
      deprecated: true,
      deprecation_message: "use y",
    });
    assert.deepEqual(checkGovernance(changed(head)), []);
  });
  test("a maintainer may change governance fields", () => {
    const ctx = changed(entry("x", [5], { repository: "new/x" }));
    assert.deepEqual(checkGovernance({ ...ctx, author: asMaintainer }), []);
  });
  test("deleting entry.json needs a maintainer", () => {
    const ctx = context({ plugins: [plugin("x", { baseEntry: base, entryChanged: true })] });
    assert.deepEqual(codes(checkGovernance(ctx)), ["MAINTAINER_REQUIRED "]);
  });
  test("raising security_level above the previous version needs a maintainer", () => {
    const ctx = context({
      plugins: [
        plugin("x", {
          baseEntry: base,
          headEntry: base,
          addedVersions: [view("x", "1.1.0", { security_level: "verified", signature: "sig" })],
          previousVersions: [view("x", "1.0.0", { security_level: "community", signature: "sig" })],
        }),
      ],
    });
    assert.deepEqual(codes(checkGovernance(ctx)), ["MAINTAINER_REQUIRED /security/security_level"]);
  });
});

describe("NAME_COLLISION and NAME_SIMILAR (R1)", () => {
  const newPlugin = (name: string) =>
    plugin(name, { headEntry: entry(name, [AUTHOR.id]), entryChanged: true });
  const base = ["my-plugin", "finfocus-x", "finfocus-aws", "cost-tool"];
  const cases: [string, string[]][] = [
    ["my_plugin", ["NAME_COLLISION /name"]],
    ["finf0cus-x", ["NAME_COLLISION /name"]],
    ["finfocus-\u0430ws", ["NAME_COLLISION /name"]], // Cyrillic а
    ["flnfocus-x", ["NAME_COLLISION /name"]],
    ["finfocus-awz", ["NAME_SIMILAR /name"]],
    ["cost-tools", ["NAME_SIMILAR /name"]],
    ["something-else", []],
  ];
  for (const [name, expected] of cases) {
    test(`${name}: ${expected.join(", ") || "accepted"}`, () => {
      assert.deepEqual(
        codes(checkGovernance(context({ baseNames: base, plugins: [newPlugin(name)] }))),
        expected,
      );
    });
  }
  test("a maintainer may add a similar name, but never a colliding one", () => {
    const author = asMaintainer;
    assert.deepEqual(
      checkGovernance(context({ author, baseNames: base, plugins: [newPlugin("cost-tools")] })),
      [],
    );
    assert.deepEqual(
      codes(checkGovernance(context({ author, baseNames: base, plugins: [newPlugin("cost_tool")] }))),
      ["NAME_COLLISION /name"],
    );
  });
  test("two new names in one PR collide with each other", () => {
    const ctx = context({ plugins: [newPlugin("brand-new"), newPlugin("brand_new")] });
    assert.deepEqual(codes(checkGovernance(ctx)), ["NAME_COLLISION /name"]);
  });
});

describe("TRUST_DOWNGRADE (R6)", () => {
  const owned = entry("x", [AUTHOR.id]);
  const ctxFor = (added: ReturnType<typeof view>, previous: ReturnType<typeof view>) =>
    context({
      plugins: [
        plugin("x", {
          baseEntry: owned,
          headEntry: owned,
          addedVersions: [added],
          previousVersions: [previous],
        }),
      ],
    });
  test("dropping a key signature fails", () => {
    const found = checkGovernance(ctxFor(view("x", "1.1.0"), view("x", "1.0.0", { signature: "c2ln" })));
    assert.deepEqual(codes(found), ["TRUST_DOWNGRADE /security/signature"]);
  });
  test("going from a Sigstore bundle to a key signature fails", () => {
    const found = checkGovernance(
      ctxFor(view("x", "1.1.0", { signature: "c2ln" }), view("x", "1.0.0", {}, true)),
    );
    assert.deepEqual(codes(found), ["TRUST_DOWNGRADE "]);
  });
  test("a lower security level fails, even for a maintainer", () => {
    const ctx = ctxFor(
      view("x", "1.1.0", { security_level: "community" }),
      view("x", "1.0.0", { security_level: "verified" }),
    );
    assert.deepEqual(codes(checkGovernance({ ...ctx, author: asMaintainer })), [
      "TRUST_DOWNGRADE /security/security_level",
    ]);
  });
  test("equal or stronger trust passes", () => {
    const ctx = ctxFor(view("x", "1.1.0", {}, true), view("x", "1.0.0", { signature: "c2ln" }));
    assert.deepEqual(checkGovernance(ctx), []);
  });
});

test("every rule is listed once", () => {
  assert.equal(new Set(governanceRules).size, governanceRules.length);
  assert.equal(governanceRules.length, 7);
});
