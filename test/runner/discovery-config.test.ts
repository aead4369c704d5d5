/**
 * #11 point 1: the specification's own discovery configuration examples load as written, and each
 * source type they configure works against loopback servers and real git repositories.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { systemClock } from "../../core/net/fetcher.types.ts";
import { createHttpFetcher } from "../../net/http-fetcher.ts";
import { loadDiscoveryConfig, sourcesFromConfig } from "../../runner/config/load-config.ts";
import { discover } from "../../runner/ops/list.ts";
import { type GitHttpServer, startGitHttpServer } from "./helpers/git-http.ts";
import { defaultArchive, manifestFor, publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

const fixtures = fileURLToPath(new URL("../fixtures/discovery-config/spec/", import.meta.url));
const SPEC_PAT = "github_pat_...";
const TOKEN = "gh-t0ken-from-env";

let server: StaticServer;
let gitHttp: GitHttpServer;
let gitPat: GitHttpServer;
let tmp: string;

/** A loose manifest whose artifact the loopback server serves. */
function loose(name: string, level: "community" | "verified" = "community") {
  const archive = defaultArchive(name, "1.0.0");
  server.files.set(`/loose/${name}.tar.gz`, archive);
  return JSON.stringify(
    manifestFor(
      name,
      { version: "1.0.0", security_level: level },
      `${server.url}/loose/${name}.tar.gz`,
      archive,
    ),
  );
}

function gitRepo(dir: string): (...args: string[]) => void {
  return (...args) => {
    execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
      cwd: dir,
      stdio: "pipe",
    });
  };
}

before(async () => {
  server = await startServer();
  tmp = await mkdtemp(join(tmpdir(), "ffr-spec-config-"));
  publish(server, [{ name: "reg-one", versions: [{ version: "1.0.0" }] }]);
  // filesystem: only the configured manifest_filename counts
  await mkdir(join(tmp, "fs", "nested"), { recursive: true });
  await writeFile(join(tmp, "fs", "nested", "plugin.json"), loose("fs-one"));
  await writeFile(join(tmp, "fs", "manifest.json"), loose("fs-other"));
  // url
  server.files.set("/m/url-one.json", Buffer.from(loose("url-one")));
  // git: real repositories served by git's own http-backend, behind basic auth
  for (const [repo, name] of [
    ["community-plugins", "git-one"],
    ["plugins", "git-pat"],
  ] as const) {
    const dir = join(tmp, "git-root", repo);
    await mkdir(join(dir, "plugins", name), { recursive: true });
    await writeFile(join(dir, "plugins", name, "plugin.json"), loose(name, "verified"));
    const git = gitRepo(dir);
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("commit", "-q", "-m", "plugins");
  }
  gitHttp = await startGitHttpServer(join(tmp, "git-root"), "token", TOKEN);
  gitPat = await startGitHttpServer(join(tmp, "git-root"), "token", SPEC_PAT);
});

after(async () => {
  await Promise.all([server.close(), gitHttp.close(), gitPat.close()]);
  await rm(tmp, { recursive: true, force: true });
});

const fixture = (name: string) => join(fixtures, name);

/** A fixture with only its locations moved to loopback and temporary folders; every other key kept. */
async function relocated(name: string, move: (source: Record<string, unknown>) => void): Promise<string> {
  const value = JSON.parse(await readFile(fixture(name), "utf8"));
  const section = value.registry_config ?? value;
  for (const source of section.discovery_sources) move(source);
  const file = join(tmp, `relocated-${name}`);
  await writeFile(file, JSON.stringify(value, null, 2));
  return file;
}

function locations(source: Record<string, unknown>): void {
  if (source.type === "registry") source.url = server.url;
  if (source.type === "filesystem") source.path = join(tmp, "fs");
  if (source.type === "url") source.urls = [`${server.url}/m/url-one.json`, `${server.url}/m/missing.json`];
  if (source.type === "git") {
    const repo = String(source.repository).endsWith("community-plugins") ? "community-plugins" : "plugins";
    source.repository = `${source.credentials && JSON.stringify(source.credentials).includes(SPEC_PAT) ? gitPat.url : gitHttp.url}/${repo}`;
  }
}

function deps(cache: string) {
  return {
    fetcher: createHttpFetcher({ allowLoopbackHttp: true, retries: 0, deadlineMs: 5000 }),
    urlPolicy: { allowLoopbackHttp: true },
    clock: systemClock,
    cacheDir: join(tmp, cache),
    offline: false,
    baseDir: tmp,
  };
}

test("every example of the spec loads as written: no finding, every key honoured", async () => {
  const env = { GITHUB_TOKEN: TOKEN };
  for (const name of ["filesystem.json", "registry.json", "url.json", "git.json", "complete.json"]) {
    const loaded = await loadDiscoveryConfig(fixture(name), env);
    assert.deepEqual(loaded.warnings, [], name);
    assert.ok(loaded.settings.sources.length > 0, name);
  }
  const { settings } = await loadDiscoveryConfig(fixture("complete.json"), env);
  assert.deepEqual(
    settings.sources.map((s) => s.label),
    ["official_registry", "local_filesystem", "git_repository"],
  );
  const [registry, fs, git] = settings.sources;
  assert.equal(registry?.type, "registry");
  assert.deepEqual(
    registry?.type === "registry" && [registry.timeoutSeconds, registry.cacheTtlSeconds, registry.policy],
    [30, 3600, { min_security_level: "verified", allow_untrusted: false, require_signature: true }],
  );
  assert.deepEqual(
    fs?.type === "filesystem" && [
      fs.manifestFilename,
      fs.watchChanges,
      fs.recursive,
      fs.defaultLevel,
      fs.timeoutSeconds,
    ],
    ["plugin.json", true, true, "community", 30],
  );
  assert.deepEqual(
    git?.type === "git" && [git.repository, git.branch, git.path, git.syncIntervalSeconds, git.credentials],
    [
      "https://github.com/finfocus/community-plugins",
      "main",
      "plugins/",
      3600,
      { username: "token", password: TOKEN },
    ],
  );
  assert.equal(settings.concurrentDiscoveries, 5);
  assert.equal(settings.cacheDirectory, "/var/cache/finfocus/plugins");
  assert.deepEqual(settings.policy, { prompt_for_untrusted: true });
});

test("the complete example, moved to loopback: registry, filesystem and git (its token from the environment) answer", async () => {
  const file = await relocated("complete.json", locations);
  const { settings } = await loadDiscoveryConfig(file, { GITHUB_TOKEN: TOKEN });
  const sources = sourcesFromConfig(settings, deps("cache-complete"));
  const result = await discover({ sources, concurrentDiscoveries: settings.concurrentDiscoveries ?? 1 });
  assert.deepEqual(result.errors, []);
  assert.deepEqual(
    result.plugins.map((p) => `${p.name}:${p.source}:${p.security_level}`),
    // loose sources count as default_security_level (community) at most, whatever they claim
    ["fs-one:filesystem:community", "git-one:git:community", "reg-one:registry:community"],
  );
  assert.ok(
    gitHttp.seen.some((s) => s.authorization !== undefined),
    "git authenticated",
  );
});

test("each per-mechanism snippet, moved to loopback, answers with its own settings", async () => {
  const run = async (name: string) => {
    const { settings } = await loadDiscoveryConfig(await relocated(name, locations), {});
    return discover({ sources: sourcesFromConfig(settings, deps(`cache-${name}`)) });
  };
  // filesystem: manifest_filename plugin.json leaves manifest.json out
  assert.deepEqual(
    (await run("filesystem.json")).plugins.map((p) => p.name),
    ["fs-one"],
  );
  // registry: the api_key as a bearer token
  server.auth.length = 0;
  assert.deepEqual(
    (await run("registry.json")).plugins.map((p) => p.name),
    ["reg-one"],
  );
  assert.ok(server.auth.includes("Bearer optional-api-key"));
  // url: the header is sent; the missing URL is reported and hides nothing else
  server.auth.length = 0;
  const url = await run("url.json");
  assert.deepEqual(
    url.plugins.map((p) => p.name),
    ["url-one"],
  );
  assert.deepEqual(
    url.errors.map((e) => [e.source, e.location, e.code]),
    [["url", `${server.url}/m/missing.json`, "DOWNLOAD_FAILED"]],
  );
  assert.ok(server.auth.includes("Bearer token"));
  // git: the snippet's literal credentials
  assert.deepEqual(
    (await run("git.json")).plugins.map((p) => `${p.name}:${p.security_level}`),
    ["git-pat:untrusted"],
  );
});
