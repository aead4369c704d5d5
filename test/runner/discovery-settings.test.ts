/**
 * #11 point 1: the discovery settings are honoured, not just parsed: git credentials stay secret,
 * sync_interval_seconds and --offline keep git off the network, watch_changes re-reads a folder,
 * timeout_seconds and cache_ttl_seconds reach the registry's requests, and the CLI names each
 * problem of a configuration on its own line.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Clock } from "../../core/net/fetcher.types.ts";
import { systemClock } from "../../core/net/fetcher.types.ts";
import { createHttpFetcher } from "../../net/http-fetcher.ts";
import { loadDiscoveryConfig, sourcesFromConfig } from "../../runner/config/load-config.ts";
import { isRunnerError } from "../../runner/errors.ts";
import { type GitHttpServer, startGitHttpServer } from "./helpers/git-http.ts";
import { defaultArchive, manifestFor, publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

const bin = fileURLToPath(new URL("../../bin/finfocus-registry.js", import.meta.url));
const SECRET = "s3cret-pat-value";
let server: StaticServer;
let gitHttp: GitHttpServer;
let tmp: string;
let repo: string;

const manifest = (name: string) => {
  const archive = defaultArchive(name, "1.0.0");
  return JSON.stringify(manifestFor(name, { version: "1.0.0" }, `${server.url}/a/${name}.tar.gz`, archive));
};
const git = (...args: string[]) =>
  execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
    cwd: repo,
    stdio: "pipe",
  });

before(async () => {
  server = await startServer();
  publish(server, [{ name: "reg-one", versions: [{ version: "1.0.0" }] }]);
  tmp = await mkdtemp(join(tmpdir(), "ffr-discovery-"));
  // This file's own temporary folder (os.tmpdir() reads TMPDIR): what the runner leaves there is
  // its own, whatever other test processes do in the shared one.
  await mkdir(join(tmp, "tmp"));
  process.env.TMPDIR = join(tmp, "tmp");
  repo = join(tmp, "root", "plugins");
  await mkdir(join(repo, "one"), { recursive: true });
  await writeFile(join(repo, "one", "plugin.json"), manifest("git-one"));
  git("init", "-q", "-b", "main");
  git("add", ".");
  git("commit", "-q", "-m", "one");
  gitHttp = await startGitHttpServer(join(tmp, "root"), "token", SECRET);
});

after(async () => {
  await Promise.all([server.close(), gitHttp.close()]);
  await rm(tmp, { recursive: true, force: true });
});

async function sourcesOf(
  config: object,
  env: Record<string, string>,
  options: { offline?: boolean; clock?: Clock; cache: string },
) {
  const file = join(tmp, `${options.cache}.json`);
  await writeFile(file, JSON.stringify(config));
  const { settings } = await loadDiscoveryConfig(file, env);
  return sourcesFromConfig(settings, {
    fetcher: createHttpFetcher({ allowLoopbackHttp: true, retries: 0, deadlineMs: 5000 }),
    urlPolicy: { allowLoopbackHttp: true },
    clock: options.clock ?? systemClock,
    cacheDir: join(tmp, options.cache),
    offline: options.offline === true,
    baseDir: tmp,
  });
}

test("git credentials reach git through askpass only: not in its arguments, the clone's config, or an error", async () => {
  // A recording `git` first on PATH: every invocation's arguments, then the real git.
  const shim = join(tmp, "shim");
  await mkdir(shim, { recursive: true });
  const log = join(tmp, "git-args.log");
  const real = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
  await writeFile(join(shim, "git"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${real}' "$@"\n`);
  await chmod(join(shim, "git"), 0o755);
  const path = process.env.PATH;
  process.env.PATH = `${shim}:${path}`;
  try {
    const config = (password: string) => ({
      discovery_sources: [
        { type: "git", repository: `${gitHttp.url}/plugins`, credentials: { username: "token", password } },
      ],
    });
    const [good] = await sourcesOf(config(`$${"{"}PAT}`), { PAT: SECRET }, { cache: "cred" });
    assert.deepEqual(
      (await good!.list("")).map((p) => p.name),
      ["git-one"],
    );
    const [bad] = await sourcesOf(config(`${SECRET}-wrong`), {}, { cache: "cred-bad" });
    await assert.rejects(bad!.list(""), (e) => {
      assert.ok(isRunnerError(e, "DISCOVERY_SOURCE_UNREACHABLE"));
      assert.ok(!e.message.includes(SECRET) && !JSON.stringify(e.details).includes(SECRET));
      return true;
    });
    const args = await readFile(log, "utf8");
    assert.match(args, /clone/);
    assert.ok(!args.includes(SECRET), "never in a process's arguments");
    assert.ok(
      gitHttp.seen.every((s) => !s.url.includes(SECRET)),
      "never in a URL",
    );
    const clones = await readdir(join(tmp, "cred", "git"));
    for (const clone of clones.filter((c) => !c.endsWith(".synced"))) {
      assert.ok(
        !(await readFile(join(tmp, "cred", "git", clone, ".git", "config"), "utf8")).includes(SECRET),
      );
    }
    assert.deepEqual(
      (await readdir(tmpdir())).filter((d) => d.startsWith("ffr-askpass-")).length,
      0,
      "the askpass program is gone",
    );
  } finally {
    process.env.PATH = path;
  }
});

test("sync_interval_seconds: no fetch while the last sync is recent; --offline reads the cached copy only", async () => {
  let now = Date.now();
  const clock: Clock = { now: () => now, sleep: systemClock.sleep };
  const config = {
    discovery_sources: [
      { type: "git", repository: `file://${repo}`, sync_interval_seconds: 3600, path: "." },
    ],
  };
  const names = async (options: { offline?: boolean }) => {
    const [source] = await sourcesOf(config, {}, { cache: "sync", clock, ...options });
    return (await source!.list("")).map((p) => p.name).sort();
  };
  await assert.rejects(names({ offline: true }), (e) => isRunnerError(e, "OFFLINE_CACHE_MISS"));
  assert.deepEqual(await names({}), ["git-one"]);
  await mkdir(join(repo, "two"), { recursive: true });
  await writeFile(join(repo, "two", "plugin.json"), manifest("git-two"));
  git("add", ".");
  git("commit", "-q", "-m", "two");
  now += 60_000;
  assert.deepEqual(await names({}), ["git-one"], "synced a minute ago: not fetched");
  now += 3600_000;
  assert.deepEqual(await names({ offline: true }), ["git-one"], "offline: the cached copy, however old");
  assert.deepEqual(await names({}), ["git-one", "git-two"], "an hour later: fetched");
});

test("watch_changes: a watched folder is read again after it changes; an unwatched one is read once", async () => {
  const dir = join(tmp, "watched");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "plugin.json"), manifest("w-one"));
  const [watched, once] = await sourcesOf(
    {
      discovery_sources: [
        { type: "filesystem", path: dir, watch_changes: true },
        { type: "filesystem", path: dir },
      ],
    },
    {},
    { cache: "watch" },
  );
  assert.equal((await watched!.list("")).length, 1);
  assert.equal((await once!.list("")).length, 1);
  await mkdir(join(dir, "more"));
  await writeFile(join(dir, "more", "plugin.json"), manifest("w-two"));
  let seen = 1;
  for (let i = 0; i < 200 && seen < 2; i++) {
    await new Promise((r) => setTimeout(r, 50));
    seen = (await watched!.list("")).length;
  }
  assert.equal(seen, 2, "the watched source saw the new manifest");
  assert.equal((await once!.list("")).length, 1, "the other reads its folder once");
});

test("a registry source's timeout_seconds and cache_ttl_seconds reach its requests", async () => {
  server.handlers.set("/stalled/.well-known/finfocus-registry.json", () => true); // never answers
  const [stalled, cached] = await sourcesOf(
    {
      discovery_sources: [
        { type: "registry", url: `${server.url}/stalled`, timeout_seconds: 1 },
        { type: "registry", url: server.url, cache_ttl_seconds: 3600 },
      ],
      global_settings: { default_timeout_seconds: 60 },
    },
    {},
    { cache: "registry" },
  );
  await assert.rejects(stalled!.list(""), (e) => {
    assert.match(String((e as Error).message), /1000 ms deadline/);
    return true;
  });
  const before = server.total("/api/v1/plugins/reg-one/");
  await cached!.versions("reg-one");
  const [again] = await sourcesOf(
    { discovery_sources: [{ type: "registry", url: server.url, cache_ttl_seconds: 3600 }] },
    {},
    { cache: "registry" },
  );
  await again!.versions("reg-one");
  assert.equal(server.total("/api/v1/plugins/reg-one/") - before, 1, "the second read came from the cache");
});

test("the CLI prints each problem of a configuration on its own line, at its key, and exits 2", async () => {
  const file = join(tmp, "bad-config.json");
  await writeFile(
    file,
    JSON.stringify(
      {
        registry_config: {
          discovery_sources: [
            { type: "registry", url: server.url, timeout_secs: 30 },
            { type: "git", repo: "https://example.com/x" },
          ],
        },
      },
      null,
      2,
    ),
  );
  const run = spawnSync(process.execPath, [bin, "search", "x", "--config", file], {
    encoding: "utf8",
    env: { ...process.env, HOME: tmp, NO_COLOR: "1" },
  });
  assert.equal(run.status, 2);
  const lines = run.stderr.trim().split("\n");
  assert.match(lines[0] ?? "", /DISCOVERY_CONFIG_INVALID/);
  assert.deepEqual(
    lines.slice(1).map((l) => /'(\/[^']+)'/.exec(l)?.[1]),
    ["/registry_config/discovery_sources/0/timeout_secs", "/registry_config/discovery_sources/1/repo"],
  );
});

test("url sources: an online read is cached; --offline reads only the cache and never the network", async () => {
  server.files.set("/m/url-one.json", new TextEncoder().encode(manifest("url-one")));
  const config = (urls: string[]) => ({ discovery_sources: [{ type: "url", urls }] });
  const url = `${server.url}/m/url-one.json`;
  const names = async (urls: string[], offline: boolean) => {
    const [source] = await sourcesOf(config(urls), {}, { cache: "url-cache", offline });
    return (await source!.list("")).map((p) => p.name);
  };
  // Offline with nothing cached: a miss, and no request.
  const before = server.hits.get("/m/url-one.json") ?? 0;
  await assert.rejects(names([url], true), (e) => isRunnerError(e, "OFFLINE_CACHE_MISS"));
  assert.equal(server.hits.get("/m/url-one.json") ?? 0, before);
  // Online: read (and cached); then offline: the same manifest with no request.
  assert.deepEqual(await names([url], false), ["url-one"]);
  const online = server.hits.get("/m/url-one.json") ?? 0;
  assert.equal(online, before + 1);
  assert.deepEqual(await names([url], true), ["url-one"]);
  assert.equal(server.hits.get("/m/url-one.json") ?? 0, online);
});

test("a --config file that is not JSON, or repeats a key, is DISCOVERY_CONFIG_INVALID (exit 2), its JSON finding named", async () => {
  for (const [text, code] of [
    ["", "JSON_SYNTAX"],
    ['{"discovery_sources":[],"discovery_sources":[]}', "JSON_DUPLICATE_KEY"],
  ] as const) {
    const file = join(tmp, `bad-${code}.json`);
    await writeFile(file, text);
    const run = spawnSync(process.execPath, [bin, "search", "x", "--config", file, "--format", "json"], {
      encoding: "utf8",
      env: { ...process.env, HOME: tmp, NO_COLOR: "1" },
    });
    assert.equal(run.status, 2, run.stdout + run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.equal(doc.code, "DISCOVERY_CONFIG_INVALID");
    assert.ok(JSON.stringify(doc.details).includes(code), run.stdout);
  }
});
