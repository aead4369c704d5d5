import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type LoadedRegistry, type LoadOptions, loadRegistry } from "../../core/registry/load-registry.ts";
import { fsSource } from "../../core/registry/registry-fs.ts";
import { readSummaries, SUMMARIES_FORMAT } from "../../core/validate/verdicts.ts";
import { validationCode } from "../../generator/verdict-store-fs.ts";

// Verdict summaries (core/validate/verdicts.ts) must answer exactly as the verdicts they sum up:
// each load here runs twice on the same files, from the same remembered store, once with the
// summaries and once without, and both must judge the same manifests and give the same findings
// and snapshot as each other (and the findings of a fresh run).

const REGISTRY = fileURLToPath(new URL("../../registry/", import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), "summaries-"));
after(() => rmSync(work, { recursive: true, force: true }));
const CODE = validationCode();
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

function copy(name: string): string {
  const dir = path.join(work, name);
  cpSync(REGISTRY, dir, { recursive: true });
  return dir;
}

function edit(file: string, change: (value: Record<string, unknown>) => void): void {
  const value = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  change(value);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

interface Remembered {
  store: Uint8Array;
  summaries: string | undefined;
}

function remember(result: LoadedRegistry): Remembered {
  return {
    store: encode(result.verdictsText?.() ?? ""),
    summaries: result.summaries?.text(),
  };
}

/** A load from what was remembered, with the summaries (the store read only through `reads`). */
async function load(
  dir: string,
  previous: Remembered | undefined,
  options: { code?: string; keep?: LoadOptions["keepManifests"]; reads?: { count: number } } = {},
): Promise<LoadedRegistry> {
  return loadRegistry(fsSource(dir), {
    keepManifests: options.keep ?? "judged",
    verdicts: {
      code: options.code ?? CODE,
      previous: () => {
        if (options.reads) options.reads.count++;
        return previous?.store;
      },
      summaries: { previous: previous?.summaries === undefined ? undefined : encode(previous.summaries) },
    },
  });
}

/** The same load with and without the summaries: the same answer. */
async function assertSameWithout(
  dir: string,
  previous: Remembered,
  withSummaries: LoadedRegistry,
  code = CODE,
): Promise<void> {
  const without = await loadRegistry(fsSource(dir), {
    keepManifests: "judged",
    verdicts: { code, previous: previous.store },
  });
  assert.equal(withSummaries.stats.judged, without.stats.judged);
  assert.deepEqual(withSummaries.findings, without.findings);
  assert.deepEqual(withSummaries.snapshot, without.snapshot);
  assert.deepEqual(
    JSON.parse(JSON.stringify(withSummaries.verdicts)),
    JSON.parse(JSON.stringify(without.verdicts)),
  );
  // The store as text: the lines of plugins reused whole, copied, are the lines judged again.
  assert.equal(withSummaries.verdictsText?.(), without.verdictsText?.());
  const fresh = await loadRegistry(fsSource(dir), { keepManifests: false });
  assert.deepEqual(withSummaries.findings, fresh.findings);
}

test("nothing changed: every plugin is reused from its summary, the store is never read", async () => {
  const dir = copy("same");
  const first = await load(dir, undefined);
  assert.ok(first.summaries?.changed);
  assert.equal(readSummaries(encode(first.summaries.text())).size, first.stats.plugins);
  const reads = { count: 0 };
  const second = await load(dir, remember(first), { reads });
  assert.equal(second.stats.judged, 0);
  assert.equal(second.summaries?.changed, false);
  assert.equal(second.verdictsChanged, false);
  assert.equal(reads.count, 0, "the verdicts file was not needed");
  // Asking for the verdicts to store reads it, once.
  assert.equal(JSON.stringify(second.verdicts), JSON.stringify(first.verdicts));
  assert.equal(JSON.stringify(second.verdicts), JSON.stringify(first.verdicts));
  assert.equal(reads.count, 1);
  await assertSameWithout(dir, remember(first), second);
});

test("each kind of input a verdict depends on: the summary is not reused, as its verdicts would not be", async (t) => {
  const cases: [string, (dir: string) => void][] = [
    [
      "the manifest's bytes",
      (dir) =>
        edit(path.join(dir, "plugins/aws-cost-explorer/versions/1.1.0.json"), (m) => {
          (m.metadata as Record<string, unknown>).description = "Changed: http://example.com is plain http";
        }),
    ],
    [
      "its entry.json",
      (dir) =>
        edit(path.join(dir, "plugins/azure-cost-management/entry.json"), (e) => {
          (e.owners as unknown[]).push({ github_id: 1, login: "someone-else" });
        }),
    ],
    [
      "a dependency's versions (a yank)",
      (dir) =>
        edit(path.join(dir, "plugins/cloud-auth-helper/entry.json"), (e) => {
          e.yanked = { ...(e.yanked as object), "1.2.0": "Yanked in a test" };
        }),
    ],
    [
      "a dependency's new version",
      (dir) => {
        const versions = path.join(dir, "plugins/cloud-auth-helper/versions");
        const text = readFileSync(path.join(versions, "1.2.0.json"), "utf8").replace('"1.2.0"', '"1.2.1"');
        writeFileSync(path.join(versions, "1.2.1.json"), text);
      },
    ],
    ["a removed version", (dir) => rmSync(path.join(dir, "plugins/aws-cost-explorer/versions/1.1.0.json"))],
    ["config.json", (dir) => edit(path.join(dir, "config.json"), (c) => (c.allow_loopback_http = true))],
  ];
  for (const [what, change] of cases) {
    await t.test(what, async () => {
      const dir = copy(what.replace(/\W+/g, "-"));
      const first = await load(dir, undefined);
      change(dir);
      const second = await load(dir, remember(first));
      assert.ok((second.stats.judged ?? 0) > 0 || what === "a removed version");
      assert.equal(second.summaries?.changed, true);
      await assertSameWithout(dir, remember(first), second);
      // And the summaries it gave are reused by the next load, which judges nothing.
      const third = await load(dir, remember(second));
      assert.equal(third.stats.judged, 0);
      assert.equal(third.summaries?.changed, false);
    });
  }
  await t.test("the tool's version (the code's identity)", async () => {
    const dir = copy("code");
    const first = await load(dir, undefined);
    const code = validationCode("99.0.0");
    const second = await load(dir, remember(first), { code });
    assert.equal(second.stats.judged, second.stats.manifests);
    await assertSameWithout(dir, remember(first), second, code);
  });
});

test("manifests kept: no plugin is reused from its summary (its manifests must be parsed)", async () => {
  const dir = copy("kept");
  const first = await load(dir, undefined, { keep: true });
  const second = await load(dir, remember(first), { keep: true });
  assert.equal(second.stats.judged, 0);
  const without = await loadRegistry(fsSource(dir), { keepManifests: true });
  assert.deepEqual(second.snapshot, without.snapshot);
});

test("corrupt or foreign summaries are ignored, never trusted: same answer, no crash", async () => {
  const dir = copy("corrupt");
  // An invalid manifest, so that some summary has findings and an invalid version.
  edit(path.join(dir, "plugins/aws-cost-explorer/versions/1.1.0.json"), (m) => {
    (m.metadata as Record<string, unknown>).license = 7;
  });
  const first = await load(dir, undefined);
  const good = remember(first);
  const text = good.summaries as string;
  const lines = text.split("\n");
  const aws = lines.findIndex((l) => l.startsWith("aws-cost-explorer\t"));
  assert.ok(aws > 0);
  const [name, digest, count, json] = (lines[aws] as string).split("\t") as [string, string, string, string];
  const value = JSON.parse(json) as { findings: unknown[]; valid: string[]; lookups: unknown[] };
  assert.ok(value.findings.length > 0);
  const tamper = (change: (v: typeof value) => void): string => {
    const copy = structuredClone(value);
    change(copy);
    return [
      ...lines.slice(0, aws),
      [name, digest, count, JSON.stringify(copy)].join("\t"),
      ...lines.slice(aws + 1),
    ].join("\n");
  };
  const reused = await load(dir, good);
  assert.equal(reused.stats.judged, 0);
  assert.equal(reused.summaries?.changed, false);
  await assertSameWithout(dir, good, reused);
  for (const summaries of [
    "",
    "not summaries",
    text.replace(SUMMARIES_FORMAT, "finfocus-registry/verdict-summaries/0"),
    text.replace(json, "{"),
    text.replace(json, "[]"),
    text.replace(digest, "0".repeat(64)),
    // An invalid version said valid beside its error; a finding of no known code; a lookup that
    // is not one; a version twice; a version that is not a file of the plugin.
    tamper((v) => {
      v.valid.push("1.1.0");
    }),
    tamper((v) => {
      v.findings = [{ code: "NO_SUCH_CODE", severity: "error", message: "x", file: "f", pointer: "" }];
    }),
    tamper((v) => {
      v.lookups = [[7, "x"]];
    }),
    tamper((v) => {
      v.valid = [...v.valid, ...v.valid];
    }),
    tamper((v) => {
      v.valid = ["9.9.9"];
    }),
  ]) {
    const previous = { store: good.store, summaries };
    const result = await load(dir, previous);
    await assertSameWithout(dir, previous, result);
  }
});

test("a cycle closed through a plugin reused whole: its latest version's dependencies come from its summary", async () => {
  const dir = copy("cycle");
  const versions = (name: string): string => path.join(dir, "plugins", name, "versions");
  const requirements = (m: Record<string, unknown>) => m.requirements as Record<string, unknown>;
  // cloud-auth-helper 2.1.0 (its latest) depends on azure-cost-management, whose latest does not
  // depend on it yet.
  edit(path.join(versions("azure-cost-management"), "1.1.0.json"), (m) => {
    delete requirements(m).dependencies;
  });
  const helper = JSON.parse(readFileSync(path.join(versions("cloud-auth-helper"), "1.3.0.json"), "utf8"));
  helper.metadata.version = "2.1.0";
  helper.requirements.dependencies = [{ name: "azure-cost-management", version_constraint: ">=1.0.0" }];
  writeFileSync(
    path.join(versions("cloud-auth-helper"), "2.1.0.json"),
    `${JSON.stringify(helper, null, 2)}\n`,
  );
  const first = await load(dir, undefined);
  assert.equal(first.findings.filter((f) => f.file.includes("2.1.0") && f.severity === "error").length, 0);
  assert.equal(first.findings.filter((f) => f.code === "DEPENDENCY_CYCLE").length, 0);
  // azure-cost-management's latest, edited in place, now depends on cloud-auth-helper: its
  // versions are the same, so cloud-auth-helper is reused from its summary.
  edit(path.join(versions("azure-cost-management"), "1.1.0.json"), (m) => {
    requirements(m).dependencies = [{ name: "cloud-auth-helper", version_constraint: ">=1.0.0" }];
  });
  const second = await load(dir, remember(first));
  assert.ok(second.findings.some((f) => f.code === "DEPENDENCY_CYCLE"));
  await assertSameWithout(dir, remember(first), second);
});
