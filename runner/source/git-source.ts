import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";
import { promisify } from "node:util";
import { checkFetchUrl } from "../../core/net/fetch-policy.ts";
import { type Clock, systemClock } from "../../core/net/fetcher.types.ts";
import { RunnerError } from "../errors.ts";
import { scanManifests } from "./filesystem-source.ts";
import { createManifestSetSource, type ManifestSetOptions } from "./manifest-set-source.ts";
import type { MetadataSource } from "./source.types.ts";

const run = promisify(execFile);

export interface GitSourceOptions extends ManifestSetOptions {
  branch?: string;
  path?: string;
  timeoutMs?: number;
  /** Fetch again only when the last sync is older than this (the spec's `sync_interval_seconds`). */
  syncIntervalSeconds?: number;
  /** For https repositories: handed to git through an askpass program, never in a URL or argument. */
  credentials?: { username: string; password: string };
  /** `--offline`: use the copy in the cache, never the network. */
  offline?: boolean;
  clock?: Clock;
}

/**
 * The `git` discovery source: a shallow clone (system `git`) of one branch into the cache,
 * refreshed on later runs (at most every `syncIntervalSeconds`, never `offline`), then scanned
 * like a folder below `path`. Only https, ssh and file transports are allowed (plain http only to
 * loopback when the user allows it; no `ext::` helpers), and git never prompts.
 */
export function createGitSource(
  url: string,
  cacheDir: string,
  options: GitSourceOptions = {},
): MetadataSource {
  const clock = options.clock ?? systemClock;
  return createManifestSetSource(
    "git",
    url,
    async () => {
      const dir = join(
        cacheDir,
        "git",
        createHash("sha256")
          .update(`${url}#${options.branch ?? ""}`)
          .digest("hex")
          .slice(0, 32),
      );
      const synced = `${dir}.synced`;
      const cloned = await stat(join(dir, ".git")).then(
        () => true,
        () => false,
      );
      if (options.offline) {
        if (!cloned)
          throw new RunnerError("OFFLINE_CACHE_MISS", `--offline: the git source ${url} was never synced`, {
            source: "git",
            location: url,
          });
      } else if (!cloned || !(await fresh(synced, clock, options.syncIntervalSeconds))) {
        await sync(url, dir, cloned, options);
        await writeFile(synced, String(clock.now()));
      }
      const root = resolve(dir, options.path ?? ".");
      if (root !== dir && !root.startsWith(dir + sep)) {
        throw new RunnerError("USAGE", `git source path ${options.path} leaves the repository`, {});
      }
      return scanManifests(root, true);
    },
    options,
  );
}

/** Whether the last sync (a timestamp file beside the clone) is younger than the interval. */
async function fresh(file: string, clock: Clock, seconds: number | undefined): Promise<boolean> {
  if (seconds === undefined) return false;
  const last = Number(await readFile(file, "utf8").catch(() => "NaN"));
  return Number.isFinite(last) && clock.now() - last < seconds * 1000;
}

async function sync(url: string, dir: string, cloned: boolean, options: GitSourceOptions): Promise<void> {
  const http = /^https?:/i.test(url);
  if (http) {
    const checked = checkFetchUrl(url, { allowLoopbackHttp: options.allowLoopbackHttp === true });
    if ("problem" in checked) throw new RunnerError("INSECURE_URL", `Refused: ${checked.problem}`, { url });
  }
  const askpass = options.credentials && http ? await askpassProgram() : undefined;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_TERMINAL_PROMPT: "0",
    GIT_ALLOW_PROTOCOL: /^http:/i.test(url) ? "http:https:ssh:file" : "https:ssh:file",
    GIT_CONFIG_NOSYSTEM: "1",
    ...(askpass && options.credentials
      ? {
          GIT_ASKPASS: askpass.program,
          FINFOCUS_GIT_USERNAME: options.credentials.username,
          FINFOCUS_GIT_PASSWORD: options.credentials.password,
        }
      : {}),
  };
  // With configured credentials, no credential helper is asked or told (nothing is stored).
  const helpers = askpass ? ["-c", "credential.helper="] : [];
  const git = (args: string[], cwd?: string) =>
    run("git", [...helpers, ...args], {
      env,
      timeout: options.timeoutMs ?? 60_000,
      maxBuffer: 1 << 20,
      ...(cwd ? { cwd } : {}),
    });
  try {
    if (cloned) {
      await git(["fetch", "--quiet", "--depth", "1", "origin", options.branch ?? "HEAD"], dir);
      await git(["reset", "--hard", "--quiet", "FETCH_HEAD"], dir);
    } else {
      const branch = options.branch ? ["--branch", options.branch] : [];
      await rm(dir, { recursive: true, force: true });
      await mkdir(join(dir, ".."), { recursive: true });
      await git(["clone", "--quiet", "--depth", "1", "--no-tags", ...branch, "--", url, dir]);
    }
  } catch (error) {
    let why = ((error as { stderr?: string }).stderr ?? (error as Error).message).trim();
    const secret = options.credentials?.password;
    if (secret) why = why.split(secret).join("***");
    throw new RunnerError("DISCOVERY_SOURCE_UNREACHABLE", `git source ${url}: ${why}`, {
      source: "git",
      location: url,
    });
  } finally {
    if (askpass) await rm(askpass.dir, { recursive: true, force: true });
  }
}

/**
 * A private askpass program that answers git's prompts from its environment: the secret travels
 * in the environment of git's process (readable only by this user), never in its arguments.
 */
async function askpassProgram(): Promise<{ dir: string; program: string }> {
  const dir = await mkdtemp(join(tmpdir(), "ffr-askpass-"));
  const program = join(dir, "askpass.sh");
  await writeFile(
    program,
    '#!/bin/sh\ncase "$1" in\n  Username*) printf \'%s\\n\' "$FINFOCUS_GIT_USERNAME" ;;\n  *) printf \'%s\\n\' "$FINFOCUS_GIT_PASSWORD" ;;\nesac\n',
    { mode: 0o700 },
  );
  return { dir, program };
}
