import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { pluginName } from "../../bench/synthetic-registry.ts";
import {
  folderStampLine,
  readStamps,
  rememberedFile,
  STAMP_MARGIN_NS,
  STAMPS_FORMAT,
  stampLine,
  stampsText,
  trustedListing,
} from "../../core/registry/file-stamps.ts";
import { type LoadedRegistry, loadRegistry } from "../../core/registry/load-registry.ts";
import { fsSource } from "../../core/registry/registry-fs.ts";
import type { FileStamp } from "../../core/registry/source.types.ts";
import { validationCode } from "../../generator/verdict-store-fs.ts";
import { sameSizeEdit, stampableRegistry } from "./helpers/edits.ts";

const work = mkdtempSync(path.join(tmpdir(), "stamps-"));
after(() => rmSync(work, { recursive: true, force: true }));

const SHA = "a".repeat(64);
const stamp = (changedNs: bigint, text = "1:2:3:4:5"): FileStamp => ({ stamp: text, changedNs });

test("a stamp is remembered only for a file that changed before the margin, and trusted only when it is the same", () => {
  const started = 10n * STAMP_MARGIN_NS;
  const old = stamp(started - STAMP_MARGIN_NS - 1n);
  const line = stampLine("plugins/a/versions/1.0.0.json", old, SHA, started);
  assert.equal(line, `plugins/a/versions/1.0.0.json\t1:2:3:4:5\t${SHA}`);
  // Racily clean: changed within the margin of the load's start (or after it, or in the future).
  assert.equal(stampLine("p", stamp(started - STAMP_MARGIN_NS), SHA, started), undefined);
  assert.equal(stampLine("p", stamp(started + 5n), SHA, started), undefined);
  // A path that cannot be one line, a hash that is not one, no stamp: nothing to remember.
  assert.equal(stampLine("plugins/a\tb", old, SHA, started), undefined);
  assert.equal(stampLine("plugins/a\nb", old, SHA, started), undefined);
  assert.equal(stampLine("p", old, "not a hash", started), undefined);
  assert.equal(stampLine("p", undefined, SHA, started), undefined);

  const index = readStamps(new TextEncoder().encode(stampsText([line as string])));
  assert.equal(rememberedFile(index, "plugins/a/versions/1.0.0.json", old)?.sha256, SHA);
  assert.equal(
    rememberedFile(index, "plugins/a/versions/1.0.0.json", stamp(1n, "1:2:3:4:6"))?.sha256,
    undefined,
  );
  assert.equal(
    rememberedFile(index, "plugins/a/versions/1.0.0.json", stamp(1n, "1:2:3:4:"))?.sha256,
    undefined,
  );
  assert.equal(rememberedFile(index, "plugins/a/versions/1.0.0.json", undefined)?.sha256, undefined);
  assert.equal(rememberedFile(index, "plugins/a/versions/2.0.0.json", old)?.sha256, undefined);
});

test("a file read with its stamp gets the stamp a stat gives, taken before the read; a link, a folder, a FIFO get none", async () => {
  const dir = mkdtempSync(path.join(work, "read-stamped-"));
  writeFileSync(path.join(dir, "a.json"), "{}");
  symlinkSync(path.join(dir, "a.json"), path.join(dir, "link.json"));
  mkdirSync(path.join(dir, "folder"));
  execFileSync("mkfifo", [path.join(dir, "fifo.json")]);
  const source = fsSource(dir);
  const taken: FileStamp[] = [];
  const bytes = await source.readFile("a.json", (s) => taken.push(s));
  assert.equal(new TextDecoder().decode(bytes), "{}");
  assert.deepEqual(taken, [await source.stamp?.("a.json")]);
  // Rewritten (another size, so another stamp): the stamp is of the file read.
  writeFileSync(path.join(dir, "a.json"), '{"a": 1}');
  await source.readFile("a.json", (s) => taken.push(s));
  assert.notDeepEqual(taken[1], taken[0]);
  assert.deepEqual(taken[1], await source.stamp?.("a.json"));
  for (const other of ["link.json", "folder", "fifo.json", "missing.json", "../a.json"]) {
    assert.equal(await source.readFile(other, (s) => taken.push(s)), undefined, other);
  }
  assert.equal(taken.length, 2);
});

test("stamps of another format, or lines that are not stamps, are ignored, never trusted", () => {
  const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
  assert.equal(readStamps(undefined).size, 0);
  assert.equal(readStamps(encode(`finfocus-registry/stamps/0\np\t1:2:3:4:5\t${SHA}\n`)).size, 0);
  assert.equal(readStamps(encode(`{"format":"${STAMPS_FORMAT}"}`)).size, 0);
  const index = readStamps(
    encode(
      `${STAMPS_FORMAT}\nno tab at all\n\tno path\np\t1:2:3:4:5\t${"g".repeat(64)}\nq\t1:2:3:4:5\t${SHA}x\nr\t1:2:3:4:5\n`,
    ),
  );
  for (const p of ["p", "q", "r", ""])
    assert.equal(rememberedFile(index, p, stamp(0n))?.sha256, undefined, p);
});

// A registry on disk, loaded as `validate` and `build` load one: remembered verdicts, stamps, and
// the reader thread (two threads; a threshold of one plugin, so this small registry gets it).
const dir = path.join(work, "registry");
const options = { keepManifests: false as const, workers: 2, parallelThreshold: 1 };
const CODE = validationCode();
const versions = (i: number): string => path.join(dir, "plugins", pluginName(i), "versions");

/** The manifests (not folders, not entries) the stamps of `text` remember. */
function files(text: string | undefined): Map<string, string> {
  const index = readStamps(new TextEncoder().encode(text ?? ""));
  return new Map([...index].filter(([key]) => !key.endsWith("/") && !key.endsWith("/entry.json")));
}

function stored(result: LoadedRegistry): Uint8Array {
  return new TextEncoder().encode(result.verdictsText?.());
}

function load(
  previous: LoadedRegistry,
  stamps: string | undefined,
  workers = options.workers,
): Promise<LoadedRegistry> {
  return loadRegistry(fsSource(dir), {
    ...options,
    workers,
    // As the adapters load: with the verdicts' summaries (a plugin none of whose files changed is reused whole).
    verdicts: {
      code: CODE,
      previous: stored(previous),
      summaries: { previous: previous.summaries && new TextEncoder().encode(previous.summaries.text()) },
    },
    stamps: { previous: stamps === undefined ? undefined : new TextEncoder().encode(stamps) },
  });
}

async function assertSameAsFresh(result: LoadedRegistry): Promise<void> {
  const fresh = await loadRegistry(fsSource(dir), { keepManifests: false });
  assert.deepEqual(result.findings, fresh.findings);
  assert.equal(result.stats.manifests, fresh.stats.manifests);
}

let first: LoadedRegistry;
let taken: LoadedRegistry;
before(async () => {
  await stampableRegistry(dir, 300);
  first = await loadRegistry(fsSource(dir), {
    ...options,
    verdicts: { code: CODE, summaries: { previous: undefined } },
  });
  taken = await load(first, undefined);
});

test("stamps are taken with remembered verdicts, and an unchanged registry is then judged from them alone", async () => {
  assert.equal(first.stamps, undefined, "no verdicts offered, no reader thread: no stamps");
  assert.ok(taken.stamps);
  assert.equal(taken.stamps.changed, true);
  assert.equal(files(taken.stamps.text()).size, 600);
  // The folders the layout walk listed: plugins/, each plugin's folder and its versions/; and
  // each plugin's entry.json (entry-stamps.ts).
  assert.equal(readStamps(new TextEncoder().encode(taken.stamps.text())).size, 600 + 1 + 2 * 300 + 300);
  assert.equal(taken.stats.judged, 0);

  const again = await load(first, taken.stamps.text());
  assert.equal(again.stats.judged, 0);
  assert.equal(again.stamps?.changed, false);
  assert.equal(again.stamps?.text(), taken.stamps.text());
  await assertSameAsFresh(again);

  // A stamp that matches gives the hash without a read: a wrong hash under a true stamp (a
  // corrupt store) makes that manifest's key differ, so it is read, its true hash finds its
  // verdict, and the wrong hash is not remembered again.
  const index = files(taken.stamps.text());
  const rel = `plugins/${pluginName(7)}/versions/1.0.0.json`;
  const wrong = taken.stamps
    .text()
    .replace(`${index.get(rel)}`, `${index.get(rel)?.slice(0, -64)}${"0".repeat(64)}`);
  assert.notEqual(wrong, taken.stamps.text());
  const corrupt = await load(first, wrong);
  assert.equal(corrupt.stats.judged, 0);
  assert.equal(corrupt.stamps?.changed, true);
  const left = files(corrupt.stamps?.text());
  assert.equal(left.has(rel), false, "the hash its stamp gave was not the file's");
  assert.equal(left.size, 599);
  await assertSameAsFresh(corrupt);
});

test("a load that judges every manifest on worker threads takes the stamps, and the next reads no manifest", async () => {
  const cold = await loadRegistry(fsSource(dir), {
    ...options,
    verdicts: { code: CODE, summaries: { previous: undefined } },
    stamps: { previous: undefined },
  });
  assert.equal(cold.stats.judged, 600);
  await assertSameAsFresh(cold);
  assert.ok(cold.stamps);
  assert.equal(cold.stamps.changed, true);
  // The same stamps as the reader thread of a re-validation takes: every folder and manifest.
  assert.equal(cold.stamps.text(), taken.stamps?.text());

  // Every stamp trusted: no manifest read (a file read would be remembered afresh: changed).
  const again = await load(cold, cold.stamps.text());
  assert.equal(again.stats.judged, 0);
  assert.equal(again.stamps?.changed, false);
  await assertSameAsFresh(again);

  // On one thread: the same stamps taken; and a re-validation on one thread (no reader thread)
  // stats every manifest instead of reading it (only config.json is read).
  const one = await loadRegistry(fsSource(dir), {
    ...options,
    workers: 1,
    verdicts: { code: CODE, summaries: { previous: undefined } },
    stamps: { previous: undefined },
  });
  assert.equal(one.stats.judged, 600);
  assert.equal(one.stamps?.text(), taken.stamps?.text());
  const oneAgain = await load(one, one.stamps?.text(), 1);
  assert.equal(oneAgain.stats.judged, 0);
  assert.equal(oneAgain.stats.filesRead, 1);
  assert.equal(oneAgain.stamps?.changed, false);
  await assertSameAsFresh(oneAgain);
  // Without stamps, the same re-validation reads every manifest and entry.
  assert.equal((await load(one, undefined, 1)).stats.filesRead, 1 + 600 + 300);
});

test("a manifest changed in place, same size, mtime set back, right after its stamp was taken, is read and judged again", async () => {
  const text = taken.stamps?.text();
  const front = path.join(versions(0), "1.0.0.json");
  const back = path.join(versions(299), "1.0.1.json");
  sameSizeEdit(front);
  sameSizeEdit(back);
  const changed = await load(first, text);
  assert.equal(changed.stats.judged, 2);
  await assertSameAsFresh(changed);
  // Changed within the margin: not remembered, so the next load reads them again, even if they
  // change again in the same clock tick.
  const index = files(changed.stamps?.text());
  assert.equal(index.has(`plugins/${pluginName(0)}/versions/1.0.0.json`), false);
  assert.equal(index.has(`plugins/${pluginName(299)}/versions/1.0.1.json`), false);
  assert.equal(index.size, 598);
  sameSizeEdit(front);
  const again = await load(changed, changed.stamps?.text());
  assert.equal(again.stats.judged, 1);
  await assertSameAsFresh(again);
});

test("a stamped manifest replaced by a symbolic link or removed is refused or gone, as without stamps", async () => {
  const text = taken.stamps?.text();
  const link = path.join(versions(150), "1.0.1.json");
  rmSync(link);
  symlinkSync(path.join(versions(151), "1.0.1.json"), link);
  rmSync(path.join(versions(152), "1.0.0.json"));
  const result = await load(first, text);
  await assertSameAsFresh(result);
  assert.ok(result.findings.some((f) => f.file === `plugins/${pluginName(150)}/versions/1.0.1.json`));
  const index = files(result.stamps?.text());
  assert.equal(index.has(`plugins/${pluginName(150)}/versions/1.0.1.json`), false);
  assert.equal(index.has(`plugins/${pluginName(152)}/versions/1.0.0.json`), false);
});

test("a folder whose entries changed is listed again: a new version, a stray file, a folder replaced by a link", async () => {
  const text = taken.stamps?.text();
  // A new version (a copy of another, renamed), a stray file in a plugin's folder, a plugin's
  // versions/ replaced by a symbolic link to another plugin's.
  const manifest = JSON.parse(readFileSync(path.join(versions(200), "1.0.1.json"), "utf8")) as {
    metadata: { version: string };
  };
  manifest.metadata.version = "1.0.2";
  writeFileSync(path.join(versions(200), "1.0.2.json"), JSON.stringify(manifest, null, 2));
  writeFileSync(path.join(dir, "plugins", pluginName(201), "NOTES.md"), "stray");
  rmSync(versions(202), { recursive: true });
  symlinkSync(versions(203), versions(202));
  const result = await load(first, text);
  await assertSameAsFresh(result);
  // The new version, and the two manifests edited by the test above (judged against `first`).
  assert.equal(result.stats.judged, 3);
  assert.ok(result.findings.some((f) => f.file === `plugins/${pluginName(201)}/NOTES.md`));
  assert.ok(result.findings.some((f) => f.file.startsWith(`plugins/${pluginName(202)}/versions`)));
});

test("a remembered listing that is not one (unsorted, repeated, unknown kinds, empty names) is not trusted", () => {
  const now = stamp(0n, "d1:2:3:4:5");
  const index = (listing: string) =>
    readStamps(new TextEncoder().encode(`${STAMPS_FORMAT}\nplugins/a/\td1:2:3:4:5\t${listing}\n`));
  const listing = [
    { name: "1.0.0.json", kind: "file" },
    { name: "link.json", kind: "symlink" },
    { name: "sub", kind: "tree" },
  ] as const;
  const started = 10n * STAMP_MARGIN_NS;
  const line = folderStampLine("plugins/a", now, listing, started) as string;
  assert.equal(line, "plugins/a/\td1:2:3:4:5\tf1.0.0.json/llink.json/dsub");
  assert.deepEqual(trustedListing(index(line.split("\t")[2] as string), "plugins/a", now), listing);
  assert.deepEqual(trustedListing(index(""), "plugins/a", now), []);
  for (const bad of ["fb/fa", "fa/fa", "qa", "f", "fa//fb", "f1.0.0.json/"])
    assert.equal(trustedListing(index(bad), "plugins/a", now), undefined, bad);
  assert.equal(trustedListing(index("fa"), "plugins/a", stamp(0n, "d1:2:3:4:6")), undefined);
  // A folder changed within the margin, or a name that cannot be part of a line: not remembered.
  assert.equal(folderStampLine("plugins/a", stamp(started), [], started), undefined);
  assert.equal(folderStampLine("plugins/a", now, [{ name: "a\nb.json", kind: "file" }], started), undefined);
});

// Last: it edits the registry, which the tests above compare against `first`.
test("on one thread (no reader thread), a manifest edited in place, same size, mtime set back, is read and judged again", async () => {
  const cold = await loadRegistry(fsSource(dir), {
    ...options,
    workers: 1,
    verdicts: { code: CODE, summaries: { previous: undefined } },
    stamps: { previous: undefined },
  });
  const rel = `plugins/${pluginName(10)}/versions/1.0.0.json`;
  assert.equal(files(cold.stamps?.text()).has(rel), true);
  sameSizeEdit(path.join(dir, rel));
  rmSync(path.join(versions(11), "1.0.1.json"));
  const changed = await load(cold, cold.stamps?.text(), 1);
  assert.equal(changed.stats.judged, 1);
  await assertSameAsFresh(changed);
  const index = files(changed.stamps?.text());
  assert.equal(index.has(rel), false, "changed within the margin: not remembered");
  assert.equal(index.has(`plugins/${pluginName(11)}/versions/1.0.1.json`), false);
});
