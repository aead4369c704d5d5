/**
 * Real git repositories behind the loopback GitHub API: what GitHub's git data API does (blobs,
 * trees on a base tree, commits, refs), done with git plumbing on a bare repository.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

const ENV = {
  GIT_CONFIG_NOSYSTEM: "1",
  HOME: tmpdir(),
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.test",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.test",
};

/** Runs git in `dir` (a bare repository or a work tree); stdout as bytes. */
export async function git(
  dir: string,
  args: string[],
  options: { input?: Uint8Array; env?: Record<string, string> } = {},
): Promise<Buffer> {
  const child = run("git", args, {
    cwd: dir,
    env: { ...process.env, ...ENV, ...options.env },
    encoding: "buffer",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (options.input) {
    child.child.stdin?.end(options.input);
  }
  return (await child).stdout as Buffer;
}

export const gitText = async (dir: string, args: string[], env?: Record<string, string>): Promise<string> =>
  (await git(dir, args, env ? { env } : {})).toString("utf8").trim();

/** A bare repository with one commit on `branch` holding `files`. Returns its path and the commit. */
export async function bareRepo(
  files: Record<string, string | Uint8Array>,
  branch = "main",
): Promise<{ dir: string; sha: string; cleanup(): void }> {
  const dir = mkdtempSync(join(tmpdir(), "fake-gh-"));
  await git(dir, ["init", "-q", "--bare", "-b", branch]);
  const entries: { path: string; sha: string }[] = [];
  for (const [path, content] of Object.entries(files)) {
    const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
    entries.push({ path, sha: await writeBlob(dir, bytes) });
  }
  const tree = await writeTree(dir, undefined, entries);
  const sha = await commitTree(dir, tree, [], "base");
  await gitText(dir, ["update-ref", `refs/heads/${branch}`, sha]);
  return { dir, sha, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function writeBlob(dir: string, bytes: Uint8Array): Promise<string> {
  const child = run("git", ["hash-object", "-w", "--stdin"], { cwd: dir, env: { ...process.env, ...ENV } });
  child.child.stdin?.end(bytes);
  return (await child).stdout.trim();
}

/** A tree: `base` (a tree SHA) with `entries` written at their (nested) paths. */
export async function writeTree(
  dir: string,
  base: string | undefined,
  entries: { path: string; sha: string; mode?: string }[],
): Promise<string> {
  const index = join(mkdtempSync(join(tmpdir(), "fake-gh-index-")), "index");
  const env = { GIT_INDEX_FILE: index };
  try {
    if (base) await gitText(dir, ["read-tree", base], env);
    for (const e of entries)
      await gitText(
        dir,
        ["update-index", "--add", "--cacheinfo", `${e.mode ?? "100644"},${e.sha},${e.path}`],
        env,
      );
    return await gitText(dir, ["write-tree"], env);
  } finally {
    rmSync(join(index, ".."), { recursive: true, force: true });
  }
}

export async function commitTree(
  dir: string,
  tree: string,
  parents: string[],
  message: string,
): Promise<string> {
  return gitText(dir, ["commit-tree", tree, ...parents.flatMap((p) => ["-p", p]), "-m", message]);
}

/** The blob at `ref:path`, or the names in the tree there, or undefined when absent. */
export async function readPath(
  dir: string,
  ref: string,
  path: string,
): Promise<{ blob: Buffer } | { names: string[] } | undefined> {
  const spec = `${ref}:${path}`;
  let type: string;
  try {
    type = await gitText(dir, ["cat-file", "-t", spec]);
  } catch {
    return undefined;
  }
  if (type === "tree") {
    const names = (await git(dir, ["ls-tree", "--name-only", "-z", spec]))
      .toString()
      .split("\0")
      .filter(Boolean);
    return { names };
  }
  return { blob: await git(dir, ["cat-file", "blob", spec]) };
}
