import { isPluginName } from "../../core/registry/layout.ts";

/**
 * One lookup per plugin name, for a source that lives as long as its caller (a daemon): a name
 * that cannot be a plugin's (core's rule, the specification's pattern) is never looked up, as a
 * path or as a URL; what is found is kept, a miss is not, so the names clients try leave nothing
 * behind and a plugin published after a miss is found. Nor is a failure (a registry down for a
 * moment, a document refused): callers waiting on the lookup share it, the next one asks again.
 */
export function pluginLookup<V>(
  find: (name: string) => Promise<V | undefined>,
): (name: string) => Promise<V | undefined> {
  const kept = new Map<string, Promise<V | undefined>>();
  return (name) => {
    if (!isPluginName(name)) return Promise.resolve(undefined);
    let pending = kept.get(name);
    if (!pending) {
      const looking = find(name);
      pending = looking;
      kept.set(name, looking);
      const forget = () => {
        if (kept.get(name) === looking) kept.delete(name);
      };
      looking.then((value) => {
        if (value === undefined) forget();
      }, forget);
    }
    return pending;
  };
}
