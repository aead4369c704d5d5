import assert from "node:assert/strict";
import { test } from "node:test";
import type { Manifest } from "../../core/manifest.types.ts";
import type { RegistrySnapshot } from "../../core/registry/load-registry.ts";
import type { PluginRecord } from "../../core/registry.types.ts";
import { compareFeedEntries, NewestFeed } from "../../generator/feeds.ts";
import { buildModel } from "../../generator/model.ts";
import type { FeedEntry } from "../../generator/model.types.ts";

function plugin(name: string, versions: string[], yanked: Record<string, string> = {}): PluginRecord {
  return {
    name,
    entry: { name, owners: [{ github_id: 7, login: "o" }], repository: `org/${name}`, yanked },
    entryFile: `plugins/${name}/entry.json`,
    versions: versions.map((version, i) => ({
      version,
      file: `plugins/${name}/versions/${version}.json`,
      sha256: "a".repeat(64),
      manifest: {
        metadata: {
          name,
          version,
          description: `${name} does costs`,
          author: "A",
          updated_at: `2025-01-01T00:${String(i).padStart(2, "0")}:00Z`,
        },
        specification: {
          spec_version: "0.1.0",
          supported_providers: ["aws"],
          service_definition: { service_name: "S", package_name: "p.v1", methods: ["Name"] },
        },
        installation: { installation_method: "binary" },
      } as Manifest,
    })),
  };
}

function snapshot(plugins: PluginRecord[]): RegistrySnapshot {
  return {
    root: "memory",
    config: { name: "T", base_url: "https://t.example.test/", spec_version: "0.1.0", maintainers: [] },
    plugins,
  };
}

const inputs = { publishedAt: new Map<string, string>(), generatedAt: "2026-01-01T00:00:00Z" };

test("latest version: highest non-yanked release, else non-yanked prerelease, else highest", () => {
  const model = buildModel(
    snapshot([
      plugin("a", ["1.0.0", "1.1.0", "2.0.0-rc.1"], { "1.1.0": "bad" }),
      plugin("b", ["0.1.0-alpha.1", "0.1.0-beta.1"]),
      plugin("c", ["1.0.0", "2.0.0"], { "1.0.0": "x", "2.0.0": "y" }),
    ]),
    inputs,
  );
  assert.deepEqual(
    model.index.plugins.map((p) => [p.name, p.latest_version]),
    [
      ["a", "1.0.0"],
      ["b", "0.1.0-beta.1"],
      ["c", "2.0.0"],
    ],
  );
  const a = model.plugins[0]?.versionIndex.versions ?? [];
  assert.deepEqual(
    a.map((v) => [v.version, v.yanked, v.yanked_reason, v.prerelease]),
    [
      ["1.0.0", false, undefined, false],
      ["1.1.0", true, "bad", false],
      ["2.0.0-rc.1", false, undefined, true],
    ],
  );
});

test("the releases feed stops at 50, newest first; the model is deterministic", () => {
  const versions = Array.from({ length: 60 }, (_, i) => `1.${i}.0`);
  const snap = snapshot([plugin("z", versions), plugin("y", ["1.0.0"])]);
  const model = buildModel(snap, inputs);
  assert.equal(model.releases.length, 50);
  assert.equal(model.releases[0]?.version, "1.59.0");
  assert.equal(model.releases[49]?.version, "1.10.0");
  assert.equal(model.plugins.find((p) => p.name === "z")?.feed.length, 60);
  assert.deepEqual(buildModel(snap, inputs), model);
  assert.deepEqual(
    model.plugins.map((p) => p.name),
    ["y", "z"],
  );
});

test("published dates from git win over the manifest's dates", () => {
  const snap = snapshot([plugin("a", ["1.0.0"])]);
  const model = buildModel(snap, {
    ...inputs,
    publishedAt: new Map([["plugins/a/versions/1.0.0.json", "2024-12-24T18:00:00Z"]]),
  });
  assert.equal(model.plugins[0]?.versionIndex.versions[0]?.published_at, "2024-12-24T18:00:00Z");
  assert.equal(model.index.plugins[0]?.updated_at, "2024-12-24T18:00:00Z");
});

test("trust anchors: official signers and the registry's own trusted root are published in the discovery document", async () => {
  const { eachOutput, renderApi } = await import("../../generator/render.ts");
  const { TRUSTED_ROOT_PATH } = await import("../../core/api/paths.ts");
  const base = snapshot([plugin("a", ["1.0.0"])]);
  const plain = buildModel(base, { generatedAt: "2026-01-01T00:00:00Z", publishedAt: new Map() });
  assert.equal(plain.discovery.official_signers, undefined);
  assert.equal(plain.discovery.sigstore_trusted_root, undefined);

  const key = "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n";
  const anchored = buildModel(
    {
      ...base,
      config: { ...base.config, official_signers: { keys: [key] }, sigstore_trusted_root: "trust/root.json" },
    },
    { generatedAt: "2026-01-01T00:00:00Z", publishedAt: new Map() },
  );
  assert.deepEqual(anchored.discovery.official_signers, { keys: [key], sigstore: [] });
  assert.equal(anchored.discovery.sigstore_trusted_root, TRUSTED_ROOT_PATH);
  const root = new TextEncoder().encode(
    '{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}',
  );
  const outputs = [
    ...eachOutput(renderApi(anchored, async (file) => (file === "trust/root.json" ? root : undefined))),
  ];
  const published = outputs.find((o) => o.path === TRUSTED_ROOT_PATH);
  assert.ok(published, "the trusted root is written");
  const bytes = typeof published.bytes === "function" ? await published.bytes() : published.bytes;
  assert.deepEqual(bytes, root, "copied byte for byte");

  // Additional roots (private instances): published in config.json's order, each byte for byte.
  const { additionalTrustedRootPath } = await import("../../core/api/paths.ts");
  const more = buildModel(
    {
      ...base,
      config: { ...base.config, sigstore_additional_trusted_roots: ["trust/b.json", "trust/a.json"] },
    },
    { generatedAt: "2026-01-01T00:00:00Z", publishedAt: new Map() },
  );
  assert.deepEqual(more.discovery.sigstore_additional_trusted_roots, [
    additionalTrustedRootPath(0),
    additionalTrustedRootPath(1),
  ]);
  const files: Record<string, Uint8Array> = {
    "trust/b.json": new TextEncoder().encode("b"),
    "trust/a.json": new TextEncoder().encode("a"),
  };
  const written = [...eachOutput(renderApi(more, async (file) => files[file]))];
  for (const [i, file] of ["trust/b.json", "trust/a.json"].entries()) {
    const out = written.find((o) => o.path === additionalTrustedRootPath(i));
    assert.ok(out, file);
    assert.deepEqual(typeof out.bytes === "function" ? await out.bytes() : out.bytes, files[file]);
  }
});

test("the newest entries kept as they come are those of sorting every entry, ties and order included", () => {
  // A fixed pseudo-random sequence: few distinct times (many ties), names and versions.
  let seed = 7;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const entries: FeedEntry[] = [];
  for (let i = 0; i < 600; i++) {
    const name = `p${next(40)}`;
    const version = `1.${next(30)}.0`;
    if (entries.some((e) => e.name === name && e.version === version)) continue;
    entries.push({
      name,
      version,
      description: `d${i}`,
      author: "a",
      published_at: `2025-01-0${1 + next(5)}T00:00:00Z`,
      yanked: false,
      deprecated: false,
      manifest_url: `u${i}`,
    });
  }
  for (const size of [0, 1, 3, 50, 1000]) {
    const feed = new NewestFeed(size);
    for (const e of entries) if (feed.wants(e)) feed.add(e);
    assert.deepEqual(feed.entries(), [...entries].sort(compareFeedEntries).slice(0, size), `size ${size}`);
  }
});
