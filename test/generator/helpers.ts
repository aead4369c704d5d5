/** Shared by the generator tests and scripts/update-golden.ts: fixture copies, builds, tree hashes. */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type BuildResult, buildRegistry } from "../../generator/build-fs.ts";
import { COMMIT_RECORD_FILE } from "../../generator/commit-record-fs.ts";
import { PARTS_FILE } from "../../generator/parts-cache-fs.ts";
import { STAMPS_FILE, SUMMARIES_FILE, VERDICTS_FILE } from "../../generator/verdict-store-fs.ts";
import { STATE_FILE } from "../../generator/write-fs.ts";

export const FIXTURE_REGISTRY = fileURLToPath(new URL("../fixtures/generator/registry", import.meta.url));
export const GOLDEN_DIR = fileURLToPath(new URL("../fixtures/generator/golden", import.meta.url));
/** 2026-01-01T00:00:00Z */
export const EPOCH = "1767225600";

/** A fresh temp folder, removed by the returned function. */
export function tempDir(prefix = "ffgen-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Copies the fixture registry out of the project's git repository (so dates come from manifests). */
export function copyFixture(into: string): string {
  const target = path.join(into, "registry");
  cpSync(FIXTURE_REGISTRY, target, { recursive: true });
  return target;
}

export function build(
  registryDir: string,
  outDir: string,
  env: Record<string, string> = {},
): Promise<BuildResult> {
  return buildRegistry({ registryDir, outDir, env: { SOURCE_DATE_EPOCH: EPOCH, ...env } });
}

/**
 * Runs `body` on a copy of the fixture registry already built once into `<dir>/out`, in a
 * temporary folder removed afterwards.
 */
export async function withBuiltFixture(
  body: (built: { dir: string; registry: string; out: string }) => Promise<void>,
): Promise<void> {
  const { dir, cleanup } = tempDir();
  try {
    const registry = copyFixture(dir);
    const out = path.join(dir, "out");
    await build(registry, out);
    await body({ dir, registry, out });
  } finally {
    cleanup();
  }
}

/** `build --full`: every manifest judged, every file compared on disk. */
export function fullBuild(registryDir: string, outDir: string): Promise<BuildResult> {
  return buildRegistry({ registryDir, outDir, env: { SOURCE_DATE_EPOCH: EPOCH }, full: true });
}

/**
 * Every file under `dir` (posix paths, sorted), without the build's state, verdicts, parts and
 * commit record files.
 */
export function listTree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .filter(
      (p) =>
        p !== STATE_FILE &&
        p !== VERDICTS_FILE &&
        p !== PARTS_FILE &&
        p !== STAMPS_FILE &&
        p !== SUMMARIES_FILE &&
        p !== COMMIT_RECORD_FILE,
    )
    .sort();
}

/** One sha256 over every path and its bytes. */
export function hashTree(dir: string): string {
  const h = createHash("sha256");
  for (const p of listTree(dir))
    h.update(p)
      .update("\0")
      .update(readFileSync(path.join(dir, p)))
      .update("\0");
  return h.digest("hex");
}

/**
 * Everything under `dir` except `skip` (the output folder), read without following a link: each
 * path with its kind and bytes (or where its link points) and its modification time.
 */
export function snapshot(dir: string, skip: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const child = rel ? `${rel}/${name}` : name;
      if (child === skip) continue;
      const file = path.join(dir, child);
      const stats = lstatSync(file, { bigint: true });
      if (stats.isSymbolicLink()) found.set(child, `link ${readlinkSync(file)}`);
      else if (stats.isDirectory()) {
        found.set(child, "folder");
        walk(child);
      } else found.set(child, `file ${stats.mtimeNs} ${readFileSync(file, "utf8")}`);
    }
  };
  walk("");
  return found;
}

/**
 * Runs git in `cwd` as a test author, with no system config, `cwd` as its home, and both dates
 * set to `date` when given; returns its output, trimmed.
 */
export function gitAt(cwd: string, args: string[], date?: string): string {
  return execFileSync("git", args, {
    cwd,
    stdio: "pipe",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "Test",
      GIT_AUTHOR_EMAIL: "test@example.test",
      GIT_COMMITTER_NAME: "Test",
      GIT_COMMITTER_EMAIL: "test@example.test",
      GIT_CONFIG_NOSYSTEM: "1",
      HOME: cwd,
      ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}),
    },
  })
    .toString("utf8")
    .trim();
}
