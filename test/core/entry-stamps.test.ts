import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { pluginName } from "../../bench/synthetic-registry.ts";
import { entryCodeTag, loadEntry } from "../../core/registry/entry-stamps.ts";
import { readStamps, STAMP_MARGIN_NS } from "../../core/registry/file-stamps.ts";
import { type LoadedRegistry, loadRegistry } from "../../core/registry/load-registry.ts";
import { fsSource } from "../../core/registry/registry-fs.ts";
import type { FileStamp, RegistrySource } from "../../core/registry/source.types.ts";
import { validationCode } from "../../generator/verdict-store-fs.ts";
import { stampableRegistry } from "./helpers/edits.ts";

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const FILE = "plugins/alpha/entry.json";
const ENTRY = { name: "alpha", owners: [{ github_id: 7, login: "al" }], repository: "o/alpha" };
const STARTED = 100n * STAMP_MARGIN_NS;
const OLD: FileStamp = { stamp: "1:2:3:4:5", changedNs: STARTED - 2n * STAMP_MARGIN_NS };

/** A source of one entry with the stamp given (by a stat and as the file is read), counting its reads. */
function oneEntry(
  bytes: Uint8Array,
  stamp: FileStamp | undefined,
): { source: RegistrySource; reads: () => number } {
  let reads = 0;
  const source: RegistrySource = {
    root: "r",
    readFile: async (_path, stamped) => {
      reads++;
      if (stamp) stamped?.(stamp);
      return bytes;
    },
    list: async () => [],
    entries: async () => [],
    kind: async () => "file",
    stamp: async () => stamp,
  };
  return { source, reads: () => reads };
}

/** Loads the entry through stamps whose lines are `lines` (by the tag of `code`). */
function loadWith(fake: { source: RegistrySource }, lines: string[], code = "code") {
  const index = readStamps(encode(`finfocus-registry/stamps/1\n${lines.join("\n")}\n`));
  const stamps = { index, startedNs: STARTED, tag: entryCodeTag(code) };
  return loadEntry(fake.source, stamps, FILE, "alpha", (p, stamped) => fake.source.readFile(p, stamped));
}

test("a valid entry is remembered with its stamp and value, and then taken without a read while both are the same", async () => {
  const fake = oneEntry(encode(JSON.stringify(ENTRY)), OLD);
  const first = await loadWith(fake, []);
  assert.deepEqual(first?.result, { value: ENTRY, findings: [] });
  assert.equal(first?.fresh, true);
  assert.equal(fake.reads(), 1);
  const line = first?.line as string;
  assert.ok(line.startsWith(`${FILE}\t${OLD.stamp}\t`));

  const again = await loadWith(fake, [line]);
  assert.equal(fake.reads(), 1, "not read again");
  assert.deepEqual(again?.result, { value: ENTRY, findings: [] });
  assert.equal(again?.line, line);
  assert.equal(again?.fresh, false);

  // Each input changed is read and validated again: the stamp, the code, the line itself.
  const edited = oneEntry(encode(JSON.stringify({ ...ENTRY, repository: "o/alphb" })), {
    ...OLD,
    stamp: "1:2:3:4:6",
  });
  assert.equal((await loadWith(edited, [line]))?.result.value?.repository, "o/alphb");
  assert.equal(edited.reads(), 1);
  await loadWith(fake, [line], "other code");
  assert.equal(fake.reads(), 2);
  for (const corrupt of [
    line.replace(/\t\{.*$/, "\t{not json"),
    line.replace('"name":"alpha"', '"name":"beta"'),
    line.replace(/\t\{.*$/, "\t[]"),
    line.replace(/\t[0-9a-f]{32}\t/, "\t0123\t"),
  ]) {
    assert.notEqual(corrupt, line);
    const read = fake.reads();
    assert.deepEqual((await loadWith(fake, [corrupt]))?.result.value, ENTRY);
    assert.equal(fake.reads(), read + 1, corrupt);
  }
});

test("an entry with findings, changed within the margin, or not a regular file is not remembered", async () => {
  const mismatch = oneEntry(encode(JSON.stringify({ ...ENTRY, name: "beta" })), OLD);
  const judged = await loadWith(mismatch, []);
  assert.equal(judged?.result.findings[0]?.code, "NAME_MISMATCH");
  assert.equal(judged?.line, "");

  const recent = oneEntry(encode(JSON.stringify(ENTRY)), { ...OLD, changedNs: STARTED - STAMP_MARGIN_NS });
  assert.equal((await loadWith(recent, []))?.line, "");
  const folder = oneEntry(encode(JSON.stringify(ENTRY)), { ...OLD, stamp: `d${OLD.stamp}` });
  assert.equal((await loadWith(folder, []))?.line, "");
  const unstamped = oneEntry(encode(JSON.stringify(ENTRY)), undefined);
  assert.equal((await loadWith(unstamped, []))?.line, "");
});

// On disk, loaded as `build` and `validate` load: a reader thread, stamps and summaries.
const work = mkdtempSync(path.join(tmpdir(), "entry-stamps-"));
after(() => rmSync(work, { recursive: true, force: true }));
const dir = path.join(work, "registry");
const CODE = validationCode();
const entryOf = (i: number): string => path.join(dir, "plugins", pluginName(i), "entry.json");

function load(previous: LoadedRegistry, stamps: string | undefined, code = CODE): Promise<LoadedRegistry> {
  return loadRegistry(fsSource(dir), {
    keepManifests: false,
    workers: 2,
    parallelThreshold: 1,
    verdicts: {
      code,
      previous: encode(previous.verdictsText?.() ?? ""),
      summaries: { previous: previous.summaries && encode(previous.summaries.text()) },
    },
    stamps: { previous: stamps === undefined ? undefined : encode(stamps) },
  });
}

async function assertSameAsFresh(result: LoadedRegistry): Promise<void> {
  const fresh = await loadRegistry(fsSource(dir), { keepManifests: false });
  assert.deepEqual(result.findings, fresh.findings);
  assert.deepEqual(
    result.snapshot?.plugins.map((p) => p.entry),
    fresh.snapshot?.plugins.map((p) => p.entry),
  );
}

let first: LoadedRegistry;
let taken: LoadedRegistry;
before(async () => {
  await stampableRegistry(dir, 40);
  first = await loadRegistry(fsSource(dir), {
    keepManifests: false,
    workers: 2,
    parallelThreshold: 1,
    verdicts: { code: CODE, summaries: { previous: undefined } },
  });
  taken = await load(first, undefined);
});

test("an unchanged registry reads no entry; another code reads every one", async () => {
  const again = await load(taken, taken.stamps?.text());
  assert.equal(again.stats.filesRead, 1, "config.json only");
  assert.equal(again.stamps?.changed, false);
  await assertSameAsFresh(again);
  const other = await load(taken, taken.stamps?.text(), `${CODE}x`);
  // Every entry, and every manifest (the verdicts are of another code too).
  assert.equal(other.stats.filesRead, 1 + 40 + 80);
});

test("an entry edited in place (same size, mtime set back), removed, or replaced by a link is read or refused as without stamps", async () => {
  const text = taken.stamps?.text() as string;
  const edited = entryOf(12);
  const before = statSync(edited);
  const changed = readFileSync(edited, "utf8").replace('"author12"', '"author21"');
  writeFileSync(edited, changed);
  utimesSync(edited, before.atime, before.mtime);
  assert.equal(statSync(edited).size, before.size);
  rmSync(entryOf(13));
  rmSync(entryOf(14));
  symlinkSync(entryOf(15), entryOf(14));

  const result = await load(taken, text);
  await assertSameAsFresh(result);
  const owners = result.snapshot?.plugins.find((p) => p.name === pluginName(12))?.entry.owners;
  assert.equal(owners?.[0]?.login, "author21");
  // The manifests' verdicts depend on the entry: those of the three plugins are judged again.
  assert.equal(result.stats.judged, 6);
  assert.ok(result.findings.some((f) => f.file === `plugins/${pluginName(13)}/entry.json`));
  assert.ok(result.findings.some((f) => f.file === `plugins/${pluginName(14)}/entry.json`));
  // Changed within the margin: not remembered, so read again next time.
  const index = readStamps(encode(result.stamps?.text() ?? ""));
  for (const i of [12, 13, 14]) assert.equal(index.has(`plugins/${pluginName(i)}/entry.json`), false);
  assert.equal(index.has(`plugins/${pluginName(11)}/entry.json`), true);
});
