import type { RegistrySource } from "../core/registry/source.types.ts";
import type { GitHubApi } from "./github.ts";
import type { RepoName } from "./settings.ts";

/** Repository-relative path of a registry-relative one. */
export function inRepository(registryPath: string, rel: string): string {
  const root = registryPath === "." ? "" : registryPath;
  if (rel === "") return root;
  return root === "" ? rel : `${root}/${rel}`;
}

/**
 * The registry at one commit of the registry repository, read through the REST contents API:
 * only the files validation asks for (config, the plugin's entry and listing, its dependencies'
 * listings), never the whole registry.
 */
export function apiRegistrySource(
  api: GitHubApi,
  repo: RepoName,
  commit: string,
  registryPath: string,
): RegistrySource {
  const cache = new Map<string, Promise<Uint8Array | undefined>>();
  const clean = (path: string): string => path.replace(/^\/+|\/+$/g, "");
  return {
    root: `${repo.owner}/${repo.repo}@${commit.slice(0, 12)}:${registryPath}`,
    readFile(path) {
      if (clean(path).split("/").includes("..")) return Promise.resolve(undefined);
      let pending = cache.get(path);
      if (!pending) {
        pending = api.readFile(repo, inRepository(registryPath, clean(path)), commit);
        cache.set(path, pending);
      }
      return pending;
    },
    list: (dir) => api.listDir(repo, inRepository(registryPath, clean(dir)), commit),
  };
}

/** `base` with `files` (registry-relative) added on top: the registry as the pull request makes it. */
export function overlaySource(base: RegistrySource, files: ReadonlyMap<string, Uint8Array>): RegistrySource {
  return {
    root: base.root,
    readFile: (path) => Promise.resolve(files.get(path) ?? base.readFile(path)),
    async list(dir) {
      const prefix = dir === "" || dir === "." ? "" : `${dir.replace(/\/+$/, "")}/`;
      const names = new Set(await base.list(dir));
      for (const path of files.keys())
        if (path.startsWith(prefix)) names.add(path.slice(prefix.length).split("/")[0]!);
      return [...names].sort();
    },
  };
}
