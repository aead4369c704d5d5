/**
 * Rebuilds that take unchanged plugins from remembered parts (generator/build-model.ts) write the
 * very bytes a full build from scratch writes, whatever input changed between them.
 */
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { buildRegistry } from "../../generator/build-fs.ts";
import {
  cachedParts,
  DamagedParts,
  PARTS_FILE,
  PartsIndex,
  readPartsFile,
  writeParts,
} from "../../generator/parts-cache-fs.ts";
import { SUMMARIES_FILE, VERDICTS_FILE } from "../../generator/verdict-store-fs.ts";
import { STATE_FILE } from "../../generator/write-fs.ts";
import { build, copyFixture, EPOCH, hashTree, listTree, tempDir, withBuiltFixture } from "./helpers.ts";

// biome-ignore lint/suspicious/noExplicitAny: free edits of JSON fixtures
type Json = Record<string, any>;

function edit(file: string, change: (value: Json) => void): void {
  const value = JSON.parse(readFileSync(file, "utf8")) as Json;
  change(value);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

const versions = (registry: string, name: string) => path.join(registry, "plugins", name, "versions");

/**
 * The tree in `out` is a fresh build's of `registry` (built into `<dir>/fresh`, returned), byte
 * for byte.
 */
async function assertAsFresh(
  dir: string,
  registry: string,
  out: string,
  env: Record<string, string> = {},
): Promise<string> {
  const fresh = path.join(dir, "fresh");
  await build(registry, fresh, env);
  assert.deepEqual(listTree(out), listTree(fresh));
  assert.equal(hashTree(out), hashTree(fresh));
  return fresh;
}

/** Builds, changes the registry, rebuilds in place; the tree must equal a fresh build's. */
async function rebuildEqualsFresh(
  change: (registry: string) => void,
  env: Record<string, string> = {},
  envAfter: Record<string, string> = env,
): Promise<{ reused: number; total: number }> {
  const { dir, cleanup } = tempDir();
  try {
    const registry = copyFixture(dir);
    const out = path.join(dir, "out");
    await build(registry, out, env);
    // A second build with nothing changed takes every plugin from its parts.
    const same = await build(registry, out, env);
    assert.equal(same.plugins?.reused, same.plugins?.total);
    assert.deepEqual(same.report?.written, []);
    change(registry);
    const rebuilt = await build(registry, out, envAfter);
    assert.equal(rebuilt.published, true, JSON.stringify(rebuilt.findings));
    const fresh = await assertAsFresh(dir, registry, out, envAfter);
    // Once more with nothing changed: every plugin from the parts just remembered, same bytes.
    // Then without the writer's state and with lists removed, so every document is rendered
    // again from remembered parts (and manifests read again), and still the same bytes.
    const settled = await buildRegistry({
      registryDir: registry,
      outDir: out,
      env: { SOURCE_DATE_EPOCH: EPOCH, ...envAfter },
    });
    assert.equal(settled.plugins?.reused, settled.plugins?.total);
    rmSync(path.join(out, "api/v1/plugins/index.json"));
    rmSync(path.join(out, "feeds/releases.xml"));
    rmSync(path.join(out, STATE_FILE));
    const again = await build(registry, out, envAfter);
    assert.equal(again.plugins?.reused, again.plugins?.total);
    assert.ok(again.report?.written.includes("api/v1/plugins/index.json"));
    assert.equal(hashTree(out), hashTree(fresh));
    return rebuilt.plugins ?? { reused: -1, total: -1 };
  } finally {
    cleanup();
  }
}

test("nothing changed: every plugin's manifests stay unparsed, the tree is a fresh build's", async () => {
  const parts = await rebuildEqualsFresh(() => {});
  assert.equal(parts.reused, parts.total);
  assert.ok(parts.total > 0);
});

test("a manifest's bytes changed: its plugin is modelled again, the others reused", async () => {
  const parts = await rebuildEqualsFresh((registry) =>
    edit(path.join(versions(registry, "alpha-cost"), "1.1.0.json"), (m) => {
      m.metadata.description = "A new description of the alpha plugin, long enough for upstream.";
    }),
  );
  assert.equal(parts.reused, parts.total - 1);
});

test("a version added or removed", async () => {
  await rebuildEqualsFresh((registry) => {
    const dir = versions(registry, "gamma-multi");
    const manifest = JSON.parse(readFileSync(path.join(dir, "1.0.0.json"), "utf8")) as Json;
    manifest.metadata.version = "1.2.0";
    manifest.metadata.updated_at = "2025-07-01T00:00:00Z";
    writeFileSync(path.join(dir, "1.2.0.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  });
  await rebuildEqualsFresh((registry) => rmSync(path.join(versions(registry, "gamma-multi"), "0.9.0.json")));
});

test("a dependency's versions changed: its dependents are judged again, the tree is a fresh build's", async () => {
  await withBuiltFixture(async ({ dir, registry, out }) => {
    const alpha = versions(registry, "alpha-cost");
    const manifest = JSON.parse(readFileSync(path.join(alpha, "1.1.0.json"), "utf8")) as Json;
    manifest.metadata.version = "1.2.0";
    writeFileSync(path.join(alpha, "1.2.0.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    const rebuilt = await build(registry, out);
    // The new manifest, and the dependents that looked alpha-cost up (beta-k8s, gamma-multi).
    assert.ok((rebuilt.manifests?.judged ?? 0) > 1, JSON.stringify(rebuilt.manifests));
    await assertAsFresh(dir, registry, out);
  });
});

test("an entry changed: a yank, a deprecation", async () => {
  const parts = await rebuildEqualsFresh((registry) =>
    edit(path.join(registry, "plugins/alpha-cost/entry.json"), (e) => {
      e.yanked = { "1.1.0": "broken pricing" };
      e.deprecated = true;
      e.deprecation_message = "Use gamma-multi.";
    }),
  );
  assert.equal(parts.reused, parts.total - 1);
});

test("config.json changed: the base URL and the registry's name", async () => {
  const parts = await rebuildEqualsFresh((registry) =>
    edit(path.join(registry, "config.json"), (c) => {
      c.base_url = "https://elsewhere.example.test/registry/";
      c.name = "Renamed Registry";
    }),
  );
  assert.equal(parts.reused, 0);
});

test("a publication time that fell back to the generation time follows SOURCE_DATE_EPOCH", async () => {
  await rebuildEqualsFresh(
    (registry) => {
      for (const file of ["1.0.0.json", "0.9.0.json"])
        edit(path.join(versions(registry, "gamma-multi"), file), (m) => {
          delete m.metadata.created_at;
          delete m.metadata.updated_at;
        });
    },
    { SOURCE_DATE_EPOCH: "1767225600" },
    { SOURCE_DATE_EPOCH: "1767312000" },
  );
});

test("corrupt or foreign parts, verdicts and summaries files are ignored, never trusted", async () => {
  for (const content of ["{not json", '{"format":"other","plugins":{}}', "[]", '{"format":1}']) {
    await rebuildEqualsFresh((registry) => {
      edit(path.join(versions(registry, "beta-k8s"), "0.2.0.json"), (m) => {
        m.metadata.author = "Someone Else";
      });
      const out = path.join(registry, "..", "out");
      writeFileSync(path.join(out, PARTS_FILE), content);
      writeFileSync(path.join(out, VERDICTS_FILE), content);
      writeFileSync(path.join(out, SUMMARIES_FILE), content);
    });
  }
});

test("remembered parts of another key, or listing other versions, are not used", async () => {
  await withBuiltFixture(async ({ dir, registry, out }) => {
    const file = path.join(out, PARTS_FILE);
    // Each plugin's head (JSON: keys, what every list needs) and detail (JSON: summary, entry, versions).
    const { parts } = readPartsFile(file);
    const edit = (name: string, change: (head: Json, detail: Json) => void) => {
      const stored = parts.get(name) as string;
      const tab = stored.indexOf("\t");
      const head = JSON.parse(stored.slice(0, tab)) as Json;
      const detail = JSON.parse(stored.slice(tab + 1)) as Json;
      change(head, detail);
      parts.set(name, `${JSON.stringify(head)}\t${JSON.stringify(detail)}`);
    };
    // A forged description under another key, and a version list that does not match.
    edit("alpha-cost", (head, detail) => {
      head.key = "0".repeat(64);
      detail.summary.description = "forged";
    });
    edit("gamma-multi", (head, detail) => {
      detail.versions.pop();
      head.versionCount--;
      detail.summary.version_count--;
    });
    assert.ok(writeParts(file, parts));
    const rebuilt = await build(registry, out);
    assert.equal(rebuilt.plugins?.reused, (rebuilt.plugins?.total ?? 0) - 2);
    await assertAsFresh(dir, registry, out);
  });
});

test("a plugin taken from its parts renders its documents when they are missing on disk", async () => {
  await withBuiltFixture(async ({ registry, out }) => {
    const fresh = hashTree(out);
    rmSync(path.join(out, "api/v1/plugins/alpha-cost/index.json"));
    // --full compares files on disk: the plugin's manifests are read again to render it.
    const { buildRegistry } = await import("../../generator/build-fs.ts");
    const again = await buildRegistry({
      registryDir: registry,
      outDir: out,
      env: { SOURCE_DATE_EPOCH: "1767225600" },
      full: true,
    });
    assert.ok(again.report?.written.includes("api/v1/plugins/alpha-cost/index.json"));
    assert.equal(hashTree(out), fresh);
  });
});

test("the parts file's index is read alone; a detail only when asked, and only if its sha256 is the one the index names", async () => {
  await withBuiltFixture(async ({ out }) => {
    const file = path.join(out, PARTS_FILE);
    const whole = readPartsFile(file, true);
    const index = PartsIndex.read(file);
    assert.ok(index && whole.sha256);
    assert.equal(index.sha256, whole.sha256, "the hash of the index, whichever way it was read");
    assert.deepEqual([...index.names()], [...whole.parts.keys()]);
    for (const [name, stored] of whole.parts) {
      assert.equal(`${index.head(name)}\t${index.detail(name)}`, stored);
      // The head alone makes the parts; the detail is read when a field of it is first asked for.
      let reads = 0;
      const cached = cachedParts(name, index.head(name) as string, () => {
        reads++;
        return index.detail(name);
      });
      assert.ok(cached);
      assert.equal(cached.parts.key.length, 64);
      assert.equal(reads, 0);
      assert.equal(cached.parts.summary.name, name);
      assert.equal(cached.parts.versions.length, cached.parts.versionCount);
      assert.equal(reads, 1);
    }
    assert.deepEqual(index.all(), whole.parts);
    // Rewritten from what was read: the same bytes.
    const again = path.join(out, "again");
    assert.equal(writeParts(again, whole.parts), whole.sha256);
    assert.deepEqual(readFileSync(again), readFileSync(file));

    // A detail changed (its length kept): the index still reads, that detail does not.
    const [name] = whole.parts.keys() as IterableIterator<string>;
    const text = readFileSync(file, "utf8");
    const changed = text.replace(/("description":")./, "$1~");
    assert.notEqual(changed, text);
    writeFileSync(file, changed);
    const damaged = PartsIndex.read(file);
    assert.equal(damaged?.sha256, index.sha256);
    assert.equal(damaged?.detail(name as string), undefined);
    assert.equal(damaged?.all(), undefined);
    const cached = cachedParts(name as string, damaged?.head(name as string) as string, () =>
      damaged?.detail(name as string),
    );
    assert.throws(() => cached?.parts.summary, DamagedParts);
    assert.throws(() => cached?.parts.versions, DamagedParts);
    // The whole file leaves that plugin out.
    assert.equal(readPartsFile(file).parts.has(name as string), false);

    // An index of another length, cut short, of another format: no index.
    for (const bad of [
      text.replace(/^(\S+)\t(\d+)/, (_, format, n) => `${format}\t${Number(n) + 1}`),
      text.slice(0, text.indexOf("\n") + 10),
      text.replace("finfocus-registry/parts/6", "finfocus-registry/parts/5"),
      "",
    ]) {
      writeFileSync(file, bad);
      assert.equal(PartsIndex.read(file), undefined, bad.slice(0, 60));
      assert.equal(readPartsFile(file).parts.size, 0);
    }
  });
});
