import type { GitObjectReader, GitTreeEntry } from "./git-objects.types.ts";
import { segments } from "./registry-fs.ts";
import type { RegistrySource, SourceEntry, SourceLocation } from "./source.types.ts";

interface Tree {
  entries: SourceEntry[];
  byName: Map<string, GitTreeEntry>;
}

/**
 * A registry source over one commit of a git repository: trees and blobs are read by object id
 * through a GitObjectReader, nothing is checked out. So what is judged is exactly what was
 * committed: no .gitattributes conversion (eol, working-tree-encoding, ident, filters), no
 * symbolic link followed (a link is a `symlink` entry and reads as missing), no submodule
 * entered. The gate reads a pull request's base and head this way, and push mode, `validate`
 * and `build` read the commit they check or publish. `registryPath` is repository-relative
 * ("." for the root).
 */
export function gitSource(
  reader: GitObjectReader,
  commit: string,
  registryPath: string,
  root = `${registryPath}@${commit.slice(0, 12)}`,
  location?: SourceLocation,
): RegistrySource {
  const base = registryPath === "." ? "" : registryPath.replace(/\/+$/, "");
  const trees = new Map<string, Promise<Tree | undefined>>();
  const load = async (oid: string | undefined): Promise<Tree | undefined> => {
    const list = oid ? await reader.tree(oid) : undefined;
    if (!list) return undefined;
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return {
      entries: list.map((e) => ({ name: e.name, kind: e.kind })),
      byName: new Map(list.map((e) => [e.name, e])),
    };
  };
  // Each folder's tree is read once and found through its parent's entry, by object id: a
  // plugin's folder costs one lookup in plugins/, however many plugins there are.
  const treeOf = (parts: readonly string[]): Promise<Tree | undefined> => {
    const key = parts.join("/");
    let pending = trees.get(key);
    if (!pending) {
      pending =
        parts.length === 0
          ? reader.treeAt(commit, base).then(load)
          : treeOf(parts.slice(0, -1)).then((parent) => {
              const entry = parent?.byName.get(parts.at(-1) as string);
              return entry?.kind === "tree" ? load(entry.oid) : undefined;
            });
      trees.set(key, pending);
    }
    return pending;
  };
  return {
    root,
    commit,
    ...(location ? { location } : {}),
    async readFile(path) {
      const parts = segments(path);
      if (!parts || parts.length === 0) return undefined;
      const entry = (await treeOf(parts.slice(0, -1)))?.byName.get(parts.at(-1) as string);
      if (entry?.kind !== "file" && entry?.kind !== "executable") return undefined;
      return reader.blob(entry.oid);
    },
    async list(dir) {
      const parts = segments(dir);
      return parts ? ((await treeOf(parts))?.entries.map((e) => e.name) ?? []) : [];
    },
    async entries(dir) {
      const parts = segments(dir);
      return parts ? (await treeOf(parts))?.entries : undefined;
    },
  };
}
