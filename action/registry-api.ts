import type { RegistrySource } from "../core/registry/source.types.ts";
import type { GitHubApi } from "./github.ts";

/**
 * A registry source over the REST contents API at one commit: the fallback when a shallow
 * checkout lacks the PR's commits. Like the git source, it only reads data.
 */
export function apiRegistrySource(api: GitHubApi, commit: string, registryPath: string): RegistrySource {
  const full = (path: string) => {
    const clean = path.replace(/^\/+/, "").replace(/\/+$/, "");
    if (registryPath === "." || registryPath === "") return clean;
    return clean === "" ? registryPath : `${registryPath}/${clean}`;
  };
  const cache = new Map<string, Promise<Uint8Array | undefined>>();
  return {
    root: `${registryPath}@${commit.slice(0, 12)}`,
    readFile(path) {
      if (path.split("/").includes("..")) return Promise.resolve(undefined);
      let pending = cache.get(path);
      if (!pending) {
        pending = api.readFile(full(path), commit);
        cache.set(path, pending);
      }
      return pending;
    },
    list: (dir) => api.listDir(full(dir), commit),
  };
}
