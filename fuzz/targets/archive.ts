import assert from "node:assert/strict";
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { extractArtifact } from "../../runner/install/extract.ts";
import { type TarEntrySpec, tarGz, type ZipEntrySpec, zip } from "../../test/runner/helpers/archives.ts";
import { base64, fromBase64, runnerOutcome } from "../contract.ts";
import { mutate, mutationArbitrary } from "../mutate.ts";
import type { FuzzTarget } from "../target.types.ts";

/** Small caps, so that amplification past them is quick to reach. */
export const FUZZ_LIMITS = { maxTotalBytes: 1024 * 1024, maxEntries: 64 };

const NAMES = [
  "a",
  "b",
  "a/b",
  "d/",
  "./x",
  "../x",
  "/abs",
  "a\\b",
  "..",
  "",
  "big",
  "l",
  "l/x",
  "c:/x",
  "a/../b",
  "d/e/f",
];
const name = fc.oneof(
  fc.constantFrom(...NAMES),
  fc
    .array(fc.constantFrom("a", "b", "..", ".", "d", "l", "x"), { minLength: 1, maxLength: 4 })
    .map((p) => p.join("/")),
);
const TYPES = [
  "File",
  "Directory",
  "SymbolicLink",
  "Link",
  "CharacterDevice",
  "FIFO",
  "NextFileHasLongPath",
  "GlobalExtendedHeader",
] as const;

interface Spec {
  path: string;
  type: (typeof TYPES)[number];
  /** Text, or a number of zero bytes (compresses to almost nothing). */
  data: string | number;
  linkpath: string;
  mode: number;
}

const spec: fc.Arbitrary<Spec> = fc.record({
  path: name,
  type: fc.constantFrom(...TYPES),
  data: fc.oneof(fc.string({ maxLength: 20 }), fc.nat(600 * 1024)),
  linkpath: name,
  mode: fc.constantFrom(0o644, 0o755, 0o4777, 0o666, 0o2755),
});

function build(format: "tar" | "zip", specs: readonly Spec[], overlap: number): Uint8Array {
  const data = (s: Spec) => (typeof s.data === "number" ? new Uint8Array(s.data) : s.data);
  if (format === "tar") {
    return tarGz(
      specs.map(
        (s): TarEntrySpec => ({
          path: s.path,
          type: s.type,
          data: data(s),
          mode: s.mode,
          linkpath: s.linkpath,
        }),
      ),
    );
  }
  const zipMode: Record<string, number> = {
    SymbolicLink: 0o120777,
    CharacterDevice: 0o020644,
    FIFO: 0o010644,
  };
  return zip(
    specs.map(
      (s): ZipEntrySpec => ({
        path: s.type === "Directory" && !s.path.endsWith("/") ? `${s.path}/` : s.path,
        data: s.type === "SymbolicLink" ? s.linkpath : data(s),
        mode: zipMode[s.type] ?? 0o100000 | (s.mode & 0o7777),
      }),
    ),
    overlap,
  );
}

export interface ArchiveInput {
  bytes: Uint8Array;
  name: string;
}

let base: Promise<string> | undefined;
let count = 0;

/**
 * The archive extractor (install). Contract: extracts, or refuses with EXTRACTION_FAILED and
 * leaves the folder empty; never writes outside it; never writes more than the byte cap or more
 * entries than the entry cap; modes at most 0755; links stay inside.
 */
export const archiveTarget: FuzzTarget<ArchiveInput> = {
  name: "archive",
  description: "extractArtifact on generated tar.gz and zip archives, then mutated bytes",
  async arbitrary() {
    return fc
      .record({
        format: fc.constantFrom("tar" as const, "zip" as const),
        specs: fc.array(spec, { maxLength: 12 }),
        copies: fc.nat(150),
        overlap: fc.nat(20),
        mutations: fc.array(mutationArbitrary, { maxLength: 3 }),
      })
      .map(({ format, specs, copies, overlap, mutations }) => {
        // Amplification: many hard links (tar) or overlapping entries (zip) to the first file.
        const first = specs.find((s) => s.type === "File");
        const links = first
          ? Array.from(
              { length: copies % 100 },
              (_, i): Spec => ({ ...first, path: `h${i}`, type: "Link", linkpath: first.path }),
            )
          : [];
        const bytes = build(
          format,
          [...specs, ...(format === "tar" ? links : [])],
          format === "zip" ? overlap : 0,
        );
        return {
          bytes: mutations.length > 0 && copies % 3 === 0 ? mutate(bytes, mutations) : bytes,
          name: format === "tar" ? "p.tar.gz" : "p.zip",
        };
      });
  },
  async check(input) {
    base ??= mkdtemp(path.join(tmpdir(), "ffr-fuzz-archive-"));
    const dir = path.join(await base, String(count++));
    const root = path.join(dir, "stage");
    await mkdir(root, { recursive: true });
    await writeFile(path.join(dir, "victim.txt"), "original");
    try {
      const start = performance.now();
      const outcome = await runnerOutcome(() =>
        extractArtifact(input.bytes, input.name, root, "bin", FUZZ_LIMITS),
      );
      const ms = performance.now() - start;
      if (outcome.code !== undefined) assert.equal(outcome.code, "EXTRACTION_FAILED");
      assert.deepEqual(
        (await readdir(dir)).sort(),
        ["stage", "victim.txt"],
        "nothing written beside the folder",
      );
      assert.equal(await readFile(path.join(dir, "victim.txt"), "utf8"), "original");
      if (outcome.code !== undefined)
        assert.deepEqual(await readdir(root), [], "a refusal leaves nothing behind");
      else await assertBoundedTree(root);
      return { ms };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
  encode: (input) => ({ name: input.name, base64: base64(input.bytes) }),
  decode: (saved) => {
    const s = saved as { name: string; base64: string };
    return { name: s.name, bytes: fromBase64(s.base64) };
  },
};

/** Walks what was extracted: entry and byte caps (each inode counted once), modes, links inside. */
async function assertBoundedTree(root: string): Promise<void> {
  let entries = 0;
  let bytes = 0;
  const inodes = new Set<number>();
  const stack = [root];
  for (let dir = stack.pop(); dir !== undefined; dir = stack.pop()) {
    for (const name of await readdir(dir)) {
      const full = path.join(dir, name);
      const info = await lstat(full);
      if (!info.isDirectory()) entries++; // folders may be implied by names: not entries
      if (!info.isSymbolicLink())
        assert.ok((info.mode & 0o7777 & ~0o755) === 0, `mode ${(info.mode & 0o7777).toString(8)} of ${full}`);
      if (info.isDirectory()) stack.push(full);
      else if (info.isSymbolicLink()) {
        const target = path.resolve(path.dirname(full), await readlink(full));
        assert.ok(target === root || target.startsWith(root + path.sep), `a link out of the folder: ${full}`);
      } else if (info.isFile()) {
        if (!inodes.has(info.ino)) bytes += info.size;
        inodes.add(info.ino);
      } else assert.fail(`not a file, folder or link: ${full}`);
    }
  }
  assert.ok(entries <= FUZZ_LIMITS.maxEntries, `${entries} files and links`);
  assert.ok(bytes <= FUZZ_LIMITS.maxTotalBytes, `${bytes} bytes written`);
}
