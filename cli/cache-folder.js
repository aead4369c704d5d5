// The one rule for where finfocus-registry keeps caches of compiled code: the launcher's (Node's
// compile cache, bin/finfocus-registry.js) and the commands' scripts' (V8 code caches, run-script.ts).
// Plain JavaScript, shipped as it is (package.json "files"): the launcher runs it before any bundle,
// on every supported Node.
import { isAbsolute, join } from "node:path";

/**
 * The folder `name` of finfocus-registry's caches in the user's own cache folder:
 * `$XDG_CACHE_HOME`, else `$HOME/.cache`, else `%LOCALAPPDATA%`, each only when it is an absolute
 * path (the XDG rule: a relative one is ignored, so that no cache is ever read from the folder a
 * command happens to run in, a checkout that could hold one made to be loaded). Undefined when the
 * environment names none, or NODE_DISABLE_COMPILE_CACHE=1 turns caching off.
 * @param {Record<string, string | undefined>} env
 * @param {string} name
 * @returns {string | undefined}
 */
export function cacheFolder(env, name) {
  if (env.NODE_DISABLE_COMPILE_CACHE === "1") return undefined;
  const absolute = (/** @type {string | undefined} */ dir) => (dir && isAbsolute(dir) ? dir : undefined);
  const home = absolute(env.HOME);
  const base = absolute(env.XDG_CACHE_HOME) ?? (home ? join(home, ".cache") : absolute(env.LOCALAPPDATA));
  return base === undefined ? undefined : join(base, "finfocus-registry", name);
}
