import type { RegistrySource } from "../core/registry/source.types.ts";
import { type GitObjectReader, treeEntries } from "./git-batch.ts";

function join(root: string, path: string): string {
  const clean = path.replace(/^\/+/, "").replace(/\/+$/, "");
  if (root === "." || root === "") return clean;
  return clean === "" ? root : `${root}/${clean}`;
}

/**
 * A registry source over one commit of a git repository, read through `git cat-file --batch`:
 * nothing is checked out, so the pull request's files are only ever data (G1). Paths are
 * relative to the registry root; symlinks read as their target text, submodules as missing.
 * `hashBytes` is 20 for SHA-1 repositories and 32 for SHA-256 ones.
 */
export function gitRegistrySource(
  reader: GitObjectReader,
  commit: string,
  registryPath: string,
  hashBytes = commit.length === 64 ? 32 : 20,
): RegistrySource {
  // Paths under plugins/<name>/ are read relative to that plugin's tree: git then looks the name
  // up in the (possibly huge) plugins/ tree once per plugin, not once per file.
  const pluginTrees = new Map<string, Promise<string | undefined>>();
  const spec = async (path: string): Promise<string | undefined> => {
    const m = /^plugins\/([^/]+)\/(.+)$/.exec(path);
    if (!m) return `${commit}:${join(registryPath, path)}`;
    const [, name = "", rest = ""] = m;
    let tree = pluginTrees.get(name);
    if (!tree) {
      tree = reader
        .read(`${commit}:${join(registryPath, `plugins/${name}`)}`)
        .then((o) => (o?.type === "tree" ? o.oid : undefined));
      pluginTrees.set(name, tree);
    }
    const oid = await tree;
    return oid ? `${oid}:${rest}` : undefined;
  };
  const cache = new Map<string, Promise<Uint8Array | undefined>>();
  const readFile = (path: string): Promise<Uint8Array | undefined> => {
    if (path.split("/").includes("..")) return Promise.resolve(undefined);
    let pending = cache.get(path);
    if (!pending) {
      pending = spec(path)
        .then((s) => (s ? reader.read(s) : undefined))
        .then((o) => (o?.type === "blob" ? o.data : undefined));
      cache.set(path, pending);
    }
    return pending;
  };
  const list = async (dir: string): Promise<string[]> => {
    const clean = dir.replace(/\/+$/, "");
    if (clean.split("/").includes("..")) return [];
    const s = await spec(clean);
    const tree = s ? await reader.read(s) : undefined;
    return tree?.type === "tree" ? treeEntries(tree.data, hashBytes).sort() : [];
  };
  return { root: `${registryPath}@${commit.slice(0, 12)}`, readFile, list };
}
