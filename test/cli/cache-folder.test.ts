/** cli/cache-folder.js: the one rule for where compiled-code caches live. */
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { cacheFolder } from "../../cli/cache-folder.js";

test("the cache folder is $XDG_CACHE_HOME's, else $HOME/.cache, else %LOCALAPPDATA%, each only when absolute", () => {
  const home = path.resolve("/home/user");
  const xdg = path.resolve("/var/cache/user");
  const local = path.resolve("/appdata/local");
  assert.equal(
    cacheFolder({ XDG_CACHE_HOME: xdg, HOME: home }, "v8-code"),
    path.join(xdg, "finfocus-registry", "v8-code"),
  );
  assert.equal(
    cacheFolder({ HOME: home }, "v8-code"),
    path.join(home, ".cache", "finfocus-registry", "v8-code"),
  );
  assert.equal(
    cacheFolder({ XDG_CACHE_HOME: "", HOME: home }, "x"),
    path.join(home, ".cache", "finfocus-registry", "x"),
  );
  assert.equal(cacheFolder({ LOCALAPPDATA: local }, "x"), path.join(local, "finfocus-registry", "x"));
  // Relative paths name a folder below wherever the command runs: ignored, as XDG says.
  assert.equal(
    cacheFolder({ XDG_CACHE_HOME: "cache", HOME: home }, "x"),
    path.join(home, ".cache", "finfocus-registry", "x"),
  );
  assert.equal(
    cacheFolder({ XDG_CACHE_HOME: "./cache", HOME: "home", LOCALAPPDATA: local }, "x"),
    path.join(local, "finfocus-registry", "x"),
  );
  assert.equal(cacheFolder({ XDG_CACHE_HOME: "cache", HOME: "home", LOCALAPPDATA: "local" }, "x"), undefined);
  assert.equal(cacheFolder({}, "x"), undefined);
  // Switched off.
  assert.equal(cacheFolder({ XDG_CACHE_HOME: xdg, NODE_DISABLE_COMPILE_CACHE: "1" }, "x"), undefined);
});
