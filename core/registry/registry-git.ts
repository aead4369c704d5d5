import { GIT_STAMP } from "./file-stamps.ts";
import type { GitObjectReader, GitTree, GitTreeEntry } from "./git-objects.types.ts";
import { segments } from "./registry-fs.ts";
import type { EntryKind, FileStamp, RegistrySource, SourceEntry, SourceLocation } from "./source.types.ts";

const byName = (a: SourceEntry, b: SourceEntry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * A registry source over one commit of a git repository: trees and blobs are read by object id
 * through a GitObjectReader, nothing is checked out. So what is judged is exactly what was
 * committed: no .gitattributes conversion (eol, working-tree-encoding, ident, filters), no
 * symbolic link followed (a link is a `symlink` entry and reads as missing), no submodule
 * entered. The gate reads a pull request's base and head this way, and push mode, `validate`
 * and `build` read the commit they check or publish. `registryPath` is repository-relative
 * ("." for the root); `location` lets worker threads open the same commit.
 */
export function gitSource(
  reader: GitObjectReader,
  commit: string,
  registryPath: string,
  root = `${registryPath}@${commit.slice(0, 12)}`,
  location?: SourceLocation,
): RegistrySource {
  const base = registryPath === "." ? "" : registryPath.replace(/\/+$/, "");
  const trees = new Map<string, Promise<GitTree | undefined>>();
  // A folder whose parent's tree was read (or is being read) is found in it by name. Any other
  // folder is found by its path (git resolves it, following no link), so a pull request that
  // touches one plugin never reads the tens of thousands of names in plugins/.
  const treeOf = (parts: readonly string[]): Promise<GitTree | undefined> => {
    const key = parts.join("/");
    let pending = trees.get(key);
    if (!pending) {
      const parent = parts.length > 0 ? trees.get(parts.slice(0, -1).join("/")) : undefined;
      pending = parent
        ? parent.then((tree) => {
            const entry = tree?.find(parts.at(-1) as string);
            return entry?.kind === "tree" ? reader.tree(entry.oid) : undefined;
          })
        : reader
            .treeAt(commit, [base, ...parts].filter((p) => p !== "").join("/"))
            .then((oid) => (oid ? reader.tree(oid) : undefined));
      trees.set(key, pending);
    }
    return pending;
  };
  const listing = async (parts: readonly string[]) => (await treeOf(parts))?.entries();
  const entryAt = async (parts: readonly string[]) =>
    (await treeOf(parts.slice(0, -1)))?.find(parts.at(-1) as string);
  return {
    root,
    commit,
    ...(location ? { location } : {}),
    async readFile(path, stamped) {
      const parts = segments(path);
      if (!parts || parts.length === 0) return undefined;
      const entry = await entryAt(parts);
      if (entry?.kind !== "file" && entry?.kind !== "executable") return undefined;
      stamped?.(objectStamp(entry));
      return reader.blob(entry.oid);
    },
    async list(dir) {
      const parts = segments(dir);
      return parts ? ((await listing(parts))?.map((e) => e.name) ?? []).sort() : [];
    },
    async entries(dir) {
      const parts = segments(dir);
      const list = parts ? await listing(parts) : undefined;
      return list?.map((e): SourceEntry => ({ name: e.name, kind: e.kind })).sort(byName);
    },
    async kind(path): Promise<EntryKind | undefined> {
      const parts = segments(path);
      if (!parts) return undefined;
      // A folder is found by its path; anything else needs its parent's listing.
      if (await treeOf(parts)) return "tree";
      return parts.length === 0 ? undefined : (await entryAt(parts))?.kind;
    },
    async stamp(path) {
      const parts = segments(path);
      if (!parts || parts.length === 0) return undefined;
      const entry = await entryAt(parts);
      return entry?.kind === "file" || entry?.kind === "executable" || entry?.kind === "tree"
        ? objectStamp(entry)
        : undefined;
    },
  };
}

/**
 * The stamp of a blob or tree (file-stamps.ts): its object id, a hash of its content (a tree's
 * covers its entries' names, modes and ids), so it changes exactly when the content does and is
 * never racy (a change time of 0). Its form (`git:` and the kind) never equals a file system's.
 */
function objectStamp(entry: GitTreeEntry): FileStamp {
  return {
    stamp: `${entry.kind === "tree" ? "d" : ""}${GIT_STAMP}${entry.kind}:${entry.oid}`,
    changedNs: 0n,
  };
}
