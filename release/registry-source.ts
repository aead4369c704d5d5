import { apiGitObjects } from "../core/registry/git-objects-api.ts";
import { gitSource } from "../core/registry/registry-git.ts";
import type { EntryKind, RegistrySource, SourceEntry } from "../core/registry/source.types.ts";
import type { GitHubApi } from "./github.ts";
import type { RepoName } from "./settings.ts";

/** Repository-relative path of a registry-relative one. */
export function inRepository(registryPath: string, rel: string): string {
  const root = registryPath === "." ? "" : registryPath;
  if (rel === "") return root;
  return root === "" ? rel : `${root}/${rel}`;
}

/**
 * The registry at one commit of the registry repository, read as the gate reads it: the git
 * RegistrySource over GitHub's git database API (trees and blobs by id, modes as they are), so a
 * symbolic link or submodule in the registry is never read as a file. Only what validation asks
 * for is fetched (config, the plugin's entry and listing, its dependencies' listings).
 */
export function apiRegistrySource(
  api: GitHubApi,
  repo: RepoName,
  commit: string,
  registryPath: string,
): RegistrySource {
  return gitSource(
    apiGitObjects(api.objects(repo)),
    commit,
    registryPath,
    `${repo.owner}/${repo.repo}@${commit.slice(0, 12)}:${registryPath}`,
  );
}

/** `base` with `files` (registry-relative regular files) on top: the registry as the pull request makes it. */
export function overlaySource(base: RegistrySource, files: ReadonlyMap<string, Uint8Array>): RegistrySource {
  const prefixOf = (dir: string) => (dir === "" || dir === "." ? "" : `${dir.replace(/\/+$/, "")}/`);
  const added = (dir: string): Map<string, EntryKind> => {
    const prefix = prefixOf(dir);
    const out = new Map<string, EntryKind>();
    for (const path of files.keys()) {
      if (!path.startsWith(prefix)) continue;
      const [name = "", ...rest] = path.slice(prefix.length).split("/");
      out.set(name, rest.length > 0 ? "tree" : "file");
    }
    return out;
  };
  const entries = async (dir: string): Promise<SourceEntry[] | undefined> => {
    const own = added(dir);
    const below = await base.entries(dir);
    if (!below && own.size === 0) return undefined;
    const byName = new Map((below ?? []).map((e) => [e.name, e.kind] as const));
    for (const [name, kind] of own) byName.set(name, kind);
    return [...byName].map(([name, kind]) => ({ name, kind })).sort((a, b) => (a.name < b.name ? -1 : 1));
  };
  return {
    root: base.root,
    ...(base.commit ? { commit: base.commit } : {}),
    readFile: (path) => Promise.resolve(files.get(path) ?? base.readFile(path)),
    entries,
    list: async (dir) => ((await entries(dir)) ?? []).map((e) => e.name),
    async kind(path) {
      if (files.has(path)) return "file";
      if ([...files.keys()].some((p) => p.startsWith(`${path}/`))) return "tree";
      return base.kind(path);
    },
  };
}
