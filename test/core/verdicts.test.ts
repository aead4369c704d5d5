import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { pluginName, writeSyntheticRegistry } from "../../bench/synthetic-registry.ts";
import { type LoadedRegistry, loadRegistry } from "../../core/registry/load-registry.ts";
import { fsSource } from "../../core/registry/registry-fs.ts";
import {
  VERDICTS_FORMAT,
  type Verdict,
  type VerdictStore,
  verdictStoreText,
} from "../../core/validate/verdicts.ts";
import { validationCode } from "../../generator/verdict-store-fs.ts";

const REGISTRY = fileURLToPath(new URL("../../registry/", import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), "verdicts-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** A fresh copy of the bundled registry. */
function copy(name: string): string {
  const dir = path.join(work, name);
  cpSync(REGISTRY, dir, { recursive: true });
  return dir;
}

const CODE = validationCode();

/** A run remembering verdicts, from `previous` (a store as read back, anything). */
function cached(dir: string, previous: Uint8Array | undefined, code = CODE): Promise<LoadedRegistry> {
  return loadRegistry(fsSource(dir), {
    keepManifests: true,
    verdicts: { code, ...(previous ? { previous } : {}) },
  });
}

/** What a run remembers, as its file holds it. */
function stored(result: LoadedRegistry): Uint8Array {
  return encode(result.verdictsText?.() ?? "");
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A cached run must answer exactly as a fresh one: findings (codes, pointers, lines), versions. */
async function assertSameAsFresh(dir: string, result: LoadedRegistry): Promise<void> {
  const fresh = await loadRegistry(fsSource(dir), { keepManifests: true });
  assert.deepEqual(result.findings, fresh.findings);
  assert.deepEqual(result.snapshot, fresh.snapshot);
}

/** The bundled registry's manifest of `name` `version` depends on cloud-auth-helper. */
function dependsOnHelper(name: string, version: string): boolean {
  const manifest = JSON.parse(
    readFileSync(path.join(REGISTRY, "plugins", name, "versions", `${version}.json`), "utf8"),
  ) as { requirements?: { dependencies?: { name: string }[] } };
  return (manifest.requirements?.dependencies ?? []).some((d) => d.name === "cloud-auth-helper");
}

function edit(file: string, change: (value: Record<string, unknown>) => void): void {
  const value = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  change(value);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

test("nothing changed: no manifest is judged again, and the answer is a fresh run's", async () => {
  const dir = copy("same");
  const first = await cached(dir, undefined);
  assert.equal(first.stats.judged, first.stats.manifests);
  assert.ok(first.stats.manifests > 10);
  assert.ok(
    first.findings.some((f) => f.line !== undefined),
    "the registry has findings with positions",
  );
  const second = await cached(dir, stored(first));
  assert.equal(second.stats.judged, 0);
  await assertSameAsFresh(dir, second);
  // Nothing new to remember: the caller need not write the store again.
  assert.equal(first.verdictsChanged, true);
  assert.equal(second.verdictsChanged, false);
  assert.deepEqual(stored(second), stored(first));
});

test("a removed version or a store with extra verdicts is a changed store, to be written again", async () => {
  const dir = copy("removed");
  const first = await cached(dir, undefined);
  const extra = JSON.parse(JSON.stringify(first.verdicts)) as VerdictStore;
  const aws = extra["aws-cost-explorer"];
  extra["no-such-plugin"] = {
    context: aws?.context ?? "",
    versions: { "1.0.0": aws?.versions["1.0.0"] as Verdict },
  };
  const withExtra = await cached(dir, encode(verdictStoreText(extra)));
  assert.equal(withExtra.stats.judged, 0);
  assert.equal(withExtra.verdictsChanged, true);
  assert.equal(Object.hasOwn(withExtra.verdicts ?? {}, "no-such-plugin"), false);
  rmSync(path.join(dir, "plugins/aws-cost-explorer/versions/1.0.0.json"));
  const second = await cached(dir, stored(first));
  assert.equal(second.verdictsChanged, true);
  await assertSameAsFresh(dir, second);
});

test("each kind of input a verdict depends on makes it judged again", async (t) => {
  const cases: [string, (dir: string) => void, (name: string, version: string) => boolean][] = [
    [
      "the manifest's bytes",
      (dir) =>
        edit(path.join(dir, "plugins/aws-cost-explorer/versions/1.1.0.json"), (m) => {
          (m.metadata as Record<string, unknown>).description = "Changed: http://example.com is plain http";
        }),
      (name, version) => name === "aws-cost-explorer" && version === "1.1.0",
    ],
    [
      "its entry.json",
      (dir) =>
        edit(path.join(dir, "plugins/azure-cost-management/entry.json"), (e) => {
          (e.owners as unknown[]).push({ github_id: 1, login: "someone-else" });
        }),
      (name) => name === "azure-cost-management",
    ],
    [
      "a dependency's versions (a yank)",
      (dir) =>
        edit(path.join(dir, "plugins/cloud-auth-helper/entry.json"), (e) => {
          e.yanked = { ...(e.yanked as object), "1.2.0": "Yanked in a test" };
        }),
      // cloud-auth-helper itself (its entry changed) and every manifest that depends on it
      (name, version) => name === "cloud-auth-helper" || dependsOnHelper(name, version),
    ],
    [
      "config.json",
      (dir) => edit(path.join(dir, "config.json"), (c) => (c.allow_loopback_http = true)),
      () => true,
    ],
  ];
  for (const [what, change, judged] of cases) {
    await t.test(what, async () => {
      const dir = copy(what.replace(/\W+/g, "-"));
      const first = await cached(dir, undefined);
      change(dir);
      const second = await cached(dir, stored(first));
      const expected = Object.entries(first.verdicts ?? {}).flatMap(([name, { versions }]) =>
        Object.keys(versions).filter((version) => judged(name, version)),
      );
      assert.ok(expected.length > 0);
      assert.equal(second.stats.judged, expected.length, `${what}: ${expected.join(", ")}`);
      assert.equal(second.verdictsChanged, true);
      await assertSameAsFresh(dir, second);
    });
  }
  await t.test("the tool's version (the code's identity)", async () => {
    assert.notEqual(validationCode("99.0.0"), CODE);
    const dir = copy("code");
    const first = await cached(dir, undefined);
    const second = await cached(dir, stored(first), validationCode("99.0.0"));
    assert.equal(second.stats.judged, second.stats.manifests);
    await assertSameAsFresh(dir, second);
  });
});

test("a dependency's new version makes the manifests that looked it up judged again", async () => {
  const dir = copy("new-version");
  const first = await cached(dir, undefined);
  const versions = path.join(dir, "plugins/cloud-auth-helper/versions");
  const text = readFileSync(path.join(versions, "1.2.0.json"), "utf8").replace('"1.2.0"', '"1.2.1"');
  writeFileSync(path.join(versions, "1.2.1.json"), text);
  const second = await cached(dir, stored(first));
  // 1.2.1 is new; the manifests depending on cloud-auth-helper looked it up, and it changed.
  const dependents = Object.entries(first.verdicts ?? {}).flatMap(([name, { versions }]) =>
    Object.keys(versions).filter((version) => dependsOnHelper(name, version)),
  );
  assert.ok(dependents.length >= 3);
  assert.equal(second.stats.judged, 1 + dependents.length);
  await assertSameAsFresh(dir, second);
});

test("a corrupt or foreign store is ignored, never trusted: same findings, no crash", async () => {
  const dir = copy("corrupt");
  const first = await cached(dir, undefined);
  const good = JSON.parse(JSON.stringify(first.verdicts)) as VerdictStore;
  assert.equal(verdictStoreText(good), first.verdictsText?.());
  const tampered = structuredClone(good) as unknown as Record<
    string,
    { context: string; versions: Record<string, Record<string, unknown>> }
  >;
  const aws = tampered["aws-cost-explorer"]!.versions;
  aws["1.0.0"]!.findings = [
    { code: "NO_SUCH_CODE", severity: "error", message: "x", file: "f", pointer: "" },
  ];
  aws["1.1.0"]!.findings = "not a list";
  aws["2.0.0"]!.valid = "yes";
  tampered["cloud-auth-helper"]!.versions = {
    "1.0.0": null,
    "1.1.0": [],
    "1.2.0": { key: 5 },
  } as never;
  const context = good["aws-cost-explorer"]!.context;
  const lines = (...more: string[]): Uint8Array => encode(`${VERDICTS_FORMAT}\n${more.join("\n")}\n`);
  for (const store of [
    undefined,
    encode("text"),
    encode("[]"),
    encode("{not json"),
    encode(verdictStoreText(good).replace(VERDICTS_FORMAT, "someone-else/1")),
    // The previous format (one JSON document): read as empty.
    encode(JSON.stringify({ format: "finfocus-registry/verdicts/2", plugins: good })),
    lines("no tab at all", "\tno name", `aws-cost-explorer\t${context}\tx\t{not json`),
    lines(`aws-cost-explorer\t${context}\t1\t[1]`, `aws-cost-explorer\t${context}`),
    lines(`aws-cost-explorer\t${context}\t1\t7`, `azure-cost-management\t7\t1\t{}`),
    encode(verdictStoreText(tampered as unknown as VerdictStore)),
    lines(
      `__proto__\t${context}\t1\t{"polluted":true}`,
      `aws-cost-explorer\t${context}\t1\t{"__proto__":{"polluted":true}}`,
    ),
  ]) {
    const result = await cached(dir, store);
    await assertSameAsFresh(dir, result);
  }
  const result = await cached(dir, encode(verdictStoreText(tampered as unknown as VerdictStore)));
  // aws 1.0.0, 1.1.0, 2.0.0 were unusable; cloud-auth-helper's five are unusable or missing.
  assert.equal(result.stats.judged, 8);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  // A plugin's verdicts under another plugin's context (its name, its entry) are not its own.
  const swapped = structuredClone(good);
  swapped["aws-cost-explorer"]!.context = good["azure-cost-management"]!.context;
  const other = await cached(dir, encode(verdictStoreText(swapped)));
  assert.equal(other.stats.judged, Object.keys(good["aws-cost-explorer"]!.versions).length);
  await assertSameAsFresh(dir, other);
});

/** Two threads from the smallest registry: worker threads and the reader thread. */
const threaded = { keepManifests: true, workers: 2, parallelThreshold: 1 } as const;

/** A first threaded run judges every manifest; the next, from what it remembered, none, with a fresh run's answer. */
async function judgedThenReused(dir: string): Promise<{ first: LoadedRegistry; again: LoadedRegistry }> {
  const first = await loadRegistry(fsSource(dir), { ...threaded, verdicts: { code: CODE } });
  assert.equal(first.stats.judged, first.stats.manifests);
  const again = await loadRegistry(fsSource(dir), {
    ...threaded,
    verdicts: { code: CODE, previous: stored(first) },
  });
  assert.equal(again.stats.judged, 0);
  await assertSameAsFresh(dir, again);
  return { first, again };
}

test("worker threads reuse and return verdicts as the main thread does", async () => {
  const dir = copy("workers");
  const { again: second } = await judgedThenReused(dir);
  // What is left to judge after this thread reused what it could goes to the workers: a change
  // that touches every manifest (config.json), and one that touches a single manifest.
  edit(path.join(dir, "plugins/aws-cost-explorer/versions/1.1.0.json"), (m) => {
    (m.metadata as Record<string, unknown>).description = "Changed for the worker threads";
  });
  const one = await loadRegistry(fsSource(dir), {
    ...threaded,
    verdicts: { code: CODE, previous: stored(second) },
  });
  assert.equal(one.stats.judged, 1);
  await assertSameAsFresh(dir, one);
  edit(path.join(dir, "config.json"), (c) => (c.allow_loopback_http = true));
  const all = await loadRegistry(fsSource(dir), {
    ...threaded,
    verdicts: { code: CODE, previous: stored(one) },
  });
  assert.equal(all.stats.judged, all.stats.manifests);
  await assertSameAsFresh(dir, all);
  const again = await loadRegistry(fsSource(dir), {
    ...threaded,
    verdicts: { code: CODE, previous: stored(all) },
  });
  assert.equal(again.stats.judged, 0);
  assert.deepEqual(stored(again), stored(all));
});

test("the reader thread's head start changes nothing: files the layout refuses, changed and missing manifests", async () => {
  // Enough plugins that the reader thread, started with the load, brings some of them (which it
  // does is up to the threads' speeds; the answer must not depend on it).
  const dir = path.join(work, "reader");
  mkdirSync(dir);
  writeSyntheticRegistry(dir, { plugins: 600, versions: 2 });
  const { again } = await judgedThenReused(dir);
  // Across the registry, front and back: a manifest that became a symbolic link to another, a
  // stray file and a folder named like a manifest in versions/, a folder that is not a plugin
  // name holding a manifest, a changed manifest and a removed one.
  const versions = (i: number): string => path.join(dir, "plugins", pluginName(i), "versions");
  rmSync(path.join(versions(3), "1.0.1.json"));
  symlinkSync(path.join(versions(4), "1.0.0.json"), path.join(versions(3), "1.0.1.json"));
  writeFileSync(path.join(versions(300), "notes.txt"), "not a manifest");
  mkdirSync(path.join(versions(301), "9.9.9.json"));
  mkdirSync(path.join(dir, "plugins", "Not_A_Plugin", "versions"), { recursive: true });
  cpSync(
    path.join(versions(5), "1.0.0.json"),
    path.join(dir, "plugins", "Not_A_Plugin", "versions", "1.0.0.json"),
  );
  edit(path.join(versions(598), "1.0.0.json"), (m) => {
    (m.metadata as Record<string, unknown>).description = "Changed behind the reader thread";
  });
  rmSync(path.join(versions(599), "1.0.1.json"));
  const changed = await loadRegistry(fsSource(dir), {
    ...threaded,
    verdicts: { code: CODE, previous: stored(again) },
  });
  assert.equal(changed.stats.judged, 1);
  await assertSameAsFresh(dir, changed);
  assert.ok(changed.findings.some((f) => f.file === "plugins/bench-plugin-00003/versions/1.0.1.json"));
});
