import type { RegistrySource } from "../core/registry/source.types.ts";
import { git } from "./git.ts";

/**
 * A registry source that reads one commit of a git repository with `git cat-file` and
 * `git ls-tree`: nothing is checked out, so the pull request's files are only ever data (G1).
 * Paths are relative to the registry root.
 */

function join(root: string, path: string): string {
  const clean = path.replace(/^\/+/, "").replace(/\/+$/, "");
  if (root === "." || root === "") return clean;
  return clean === "" ? root : `${root}/${clean}`;
}

/**
 * Creates a source over `commit` in the repository at `cwd`, rooted at the repository-relative
 * `registryPath`. Reads are cached: the same blob is asked for by several rules.
 */
export function gitRegistrySource(cwd: string, commit: string, registryPath: string): RegistrySource {
  const cache = new Map<string, Promise<Uint8Array | undefined>>();
  const readFile = (path: string): Promise<Uint8Array | undefined> => {
    if (path.split("/").includes("..")) return Promise.resolve(undefined);
    let pending = cache.get(path);
    if (!pending) {
      pending = git(cwd, ["cat-file", "blob", `${commit}:${join(registryPath, path)}`]).then(
        (bytes) => new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        () => undefined,
      );
      cache.set(path, pending);
    }
    return pending;
  };
  const list = async (dir: string): Promise<string[]> => {
    const prefix = `${join(registryPath, dir)}/`;
    let out: Buffer;
    try {
      out = await git(cwd, ["ls-tree", "-z", "--name-only", commit, "--", prefix]);
    } catch {
      return [];
    }
    return out
      .toString("utf8")
      .split("\0")
      .filter((p) => p.startsWith(prefix))
      .map((p) => p.slice(prefix.length))
      .sort();
  };
  return { root: `${registryPath}@${commit.slice(0, 12)}`, readFile, list };
}
