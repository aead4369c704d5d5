import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { RegistryError } from "../../core/errors.ts";
import { buildRegistry } from "../../generator/build-fs.ts";
import { COMMIT_RECORD_FILE, readCommitRecord } from "../../generator/commit-record-fs.ts";
import {
  cachedParts,
  PARTS_FILE,
  PartsIndex,
  readPartsFile,
  usableParts,
} from "../../generator/parts-cache-fs.ts";
import { base64, fromBase64 } from "../contract.ts";
import { mutate, mutatedSeed } from "../mutate.ts";
import { ROOT } from "../seeds.ts";
import type { FuzzTarget } from "../target.types.ts";

interface CacheInput {
  file: "parts" | "record";
  /** The file's bytes (base64). */
  bytes: string;
}

/** A bound far above what these readers take on a file of a few hundred KB. */
const MAX_MS = 2000;

/**
 * The seeds: the parts file and the commit record that a build of the generator's fixture
 * registry, published from a commit of a fresh repository, leaves behind.
 */
async function seeds(): Promise<{ parts: Uint8Array; record: Uint8Array }> {
  const dir = mkdtempSync(path.join(tmpdir(), "fuzz-caches-"));
  try {
    cpSync(path.join(ROOT, "test/fixtures/generator/registry"), path.join(dir, "registry"), {
      recursive: true,
    });
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=fuzz", "-c", "user.email=fuzz@example.test", ...args], {
        cwd: dir,
        stdio: "pipe",
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: dir },
      });
    git("init", "-q");
    git("add", "-A");
    git("commit", "-qm", "seed");
    const out = path.join(dir, "out");
    await buildRegistry({ registryDir: path.join(dir, "registry"), outDir: out, env: {} });
    return {
      parts: new Uint8Array(readFileSync(path.join(out, PARTS_FILE))),
      record: new Uint8Array(readFileSync(path.join(out, COMMIT_RECORD_FILE))),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The build's own caches read back (generator/parts-cache-fs.ts, commit-record-fs.ts): a parts
 * file and a commit record, mutated. They are local state, but a disk, an editor or an older tool
 * can leave anything there. Contract: reading never throws; the parts file's index read alone
 * (`PartsIndex`, what a rebuild from a commit reads) reads each plugin it names as the whole
 * file gives it, or both leave it out; parts that are used come out well formed or not at all (`usableParts`,
 * `cachedParts`); a cached plugin's summary and versions, read from its detail, are either well
 * formed or refused with a RegistryError (never another exception); a record is either of its shape
 * or none; bounded time.
 */
export const buildCachesTarget: FuzzTarget<CacheInput> = {
  name: "caches",
  description: "the parts file and the commit record of a build, mutated, read back",
  async arbitrary() {
    const { parts, record } = await seeds();
    const of = (file: CacheInput["file"], seed: Uint8Array) =>
      mutatedSeed(1).map(({ mutations }) => ({ file, bytes: base64(mutate(seed, mutations, 512 * 1024)) }));
    return fc.oneof(of("parts", parts), of("record", record));
  },
  async check({ file, bytes }) {
    const dir = mkdtempSync(path.join(tmpdir(), "fuzz-cache-"));
    try {
      writeFileSync(path.join(dir, file === "parts" ? PARTS_FILE : COMMIT_RECORD_FILE), fromBase64(bytes));
      const start = performance.now();
      if (file === "record") {
        const read = readCommitRecord(dir);
        if (read !== undefined) {
          const texts = [read.code, read.top, read.registryPath, read.commit, read.partsSha256];
          if (!texts.every((t) => typeof t === "string") || typeof read.shallow !== "boolean")
            throw new Error("a record not of its shape was accepted");
          if (!Object.values(read.overlay).every((v) => v === null || typeof v === "string"))
            throw new Error("an overlay of other values was accepted");
        }
      } else {
        const { parts } = readPartsFile(path.join(dir, PARTS_FILE));
        const index = PartsIndex.read(path.join(dir, PARTS_FILE));
        // Read by the index alone (a head, then a detail by its offset), a plugin's parts are the
        // ones the whole file gives, and the index names no plugin the file leaves out whole.
        if (index !== undefined)
          for (const name of index.names()) {
            const detail = index.detail(name);
            const stored = parts.get(name);
            if (detail === undefined ? stored !== undefined : stored !== `${index.head(name)}\t${detail}`)
              throw new Error("the index reads other parts than the whole file");
          }
        for (const [name, stored] of parts) {
          const usable = usableParts(stored, name, "0".repeat(64), "2026-01-01T00:00:00Z", []);
          if (usable !== undefined && usable.versions.length !== 0)
            throw new Error("parts listing other versions than asked were used");
          const head = index?.head(name) ?? stored.slice(0, stored.indexOf("\t"));
          const cached = cachedParts(name, head, () => index?.detail(name));
          if (cached === undefined) continue;
          try {
            if (cached.parts.summary.name !== name) throw new Error("cached parts of another plugin");
            for (const v of cached.parts.versions)
              if (typeof v.version !== "string" || typeof v.published_at !== "string")
                throw new Error("a cached version not well formed");
            if (!Array.isArray(cached.parts.bundles)) throw new Error("bundles not a list");
          } catch (error) {
            if (!(error instanceof RegistryError)) throw error;
          }
        }
      }
      const ms = performance.now() - start;
      if (ms > MAX_MS) throw new Error(`reading took ${Math.round(ms)} ms`);
      return { ms };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  encode: (input) => input,
  decode: (saved) => saved as CacheInput,
};
