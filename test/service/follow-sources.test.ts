/**
 * Sources followed while the daemon runs: a filesystem source with `watch_changes` and a git
 * source with `sync_interval_seconds` (a real repository over the file transport) show new
 * plugins in DiscoverPlugins without a restart.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { MetadataSource } from "../../runner/index.ts";
import { type FollowedSource, SourceFollower } from "../../service/follow-sources.ts";
import { manifestFor } from "../runner/helpers/registry.ts";
import { type RegistryClient, registryClient } from "./helpers/client.ts";

const CLI = join(import.meta.dirname, "../../bin/finfocus-registry.js");
let tmp: string;

const manifest = (name: string) =>
  `${JSON.stringify(manifestFor(name, { version: "1.0.0" }, `https://example.com/${name}.tar.gz`, new Uint8Array([1])), null, 2)}\n`;

function git(cwd: string, ...args: string[]): void {
  execFileSync("git", ["-c", "user.name=T", "-c", "user.email=t@example.com", ...args], {
    cwd,
    stdio: "ignore",
  });
}

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), "ffr-follow-"));
  await mkdir(join(tmp, "local", "one"), { recursive: true });
  await writeFile(join(tmp, "local", "one", "plugin.json"), manifest("local-one"));
  await mkdir(join(tmp, "repo", "first"), { recursive: true });
  await writeFile(join(tmp, "repo", "first", "plugin.json"), manifest("git-one"));
  git(join(tmp, "repo"), "init", "--quiet", "--initial-branch=main");
  git(join(tmp, "repo"), "add", ".");
  git(join(tmp, "repo"), "commit", "--quiet", "-m", "first");
  const config = {
    registry_config: {
      discovery_sources: [
        { type: "filesystem", path: "./local", watch_changes: true, priority: 1 },
        { type: "git", url: join(tmp, "repo"), branch: "main", sync_interval_seconds: 1, priority: 2 },
      ],
    },
  };
  await writeFile(join(tmp, "config.json"), JSON.stringify(config));
});

after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function names(client: RegistryClient): Promise<string[]> {
  const found = await client.call.DiscoverPlugins!({ include_installed: true });
  return found.plugins.map((p: { name: string }) => p.name).sort();
}

async function until(client: RegistryClient, want: string[]): Promise<string[]> {
  let seen: string[] = [];
  for (let i = 0; i < 100; i++) {
    seen = await names(client);
    if (JSON.stringify(seen) === JSON.stringify(want)) break;
    await sleep(100);
  }
  return seen;
}

test("a watched folder and a synced git repository are followed without a restart", async () => {
  const socket = join(tmp, "d.sock");
  const child = spawn(
    process.execPath,
    [
      CLI,
      "daemon",
      "--config",
      join(tmp, "config.json"),
      "--plugin-dir",
      join(tmp, "plugins"),
      "--cache-dir",
      join(tmp, "cache"),
      "--listen",
      `unix:${socket}`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const exited = new Promise<number | null>((done) => child.once("exit", done));
  const client = await new Promise<RegistryClient>((resolve, reject) => {
    child.stdout.once("data", () => resolve(registryClient(`unix:${socket}`)));
    void exited.then((code) => reject(new Error(`daemon exited with ${code}`)));
  });
  try {
    assert.deepEqual(await names(client), ["git-one", "local-one"]);
    await mkdir(join(tmp, "local", "two"));
    await writeFile(join(tmp, "local", "two", "plugin.json"), manifest("local-two"));
    assert.deepEqual(await until(client, ["git-one", "local-one", "local-two"]), [
      "git-one",
      "local-one",
      "local-two",
    ]);
    await mkdir(join(tmp, "repo", "second"));
    await writeFile(join(tmp, "repo", "second", "plugin.json"), manifest("git-two"));
    git(join(tmp, "repo"), "add", ".");
    git(join(tmp, "repo"), "commit", "--quiet", "-m", "second");
    const want = ["git-one", "git-two", "local-one", "local-two"];
    assert.deepEqual(await until(client, want), want);
  } finally {
    client.close();
    child.kill("SIGTERM");
  }
  assert.equal(await exited, 0);
});

test("a source that cannot be built again or loaded keeps the old one and is told, never a rejection left unhandled", async () => {
  const old = { kind: "git", location: "repo" } as unknown as MetadataSource;
  const sources = [old];
  const lines: string[] = [];
  const follower = new SourceFollower(sources, (line) => lines.push(line));
  const entry = { type: "git" } as unknown as FollowedSource["entry"];
  await follower.replace({
    entry,
    build: () => {
      throw new Error("the cache folder is gone");
    },
  });
  const failing = {
    kind: "git",
    location: "repo",
    list: async () => {
      throw new Error("fetch failed");
    },
  } as unknown as MetadataSource;
  await follower.replace({ entry, build: () => failing });
  assert.equal(sources[0], old);
  assert.deepEqual(lines, [
    "refreshing a git source: the cache folder is gone",
    "refreshing git source repo: fetch failed",
  ]);
});
