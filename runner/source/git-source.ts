import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, rm, stat } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { promisify } from "node:util";
import { RunnerError } from "../errors.ts";
import { scanManifests } from "./filesystem-source.ts";
import { createManifestSetSource, type ManifestSetOptions } from "./manifest-set-source.ts";
import type { MetadataSource } from "./source.types.ts";

const run = promisify(execFile);

/**
 * The `git` discovery source: a shallow clone (system `git`) of one branch into the cache,
 * refreshed on later runs, then scanned like a folder below `path`. Only https, ssh and file
 * transports are allowed (no `ext::` helpers), and git never prompts.
 */
export function createGitSource(
  url: string,
  cacheDir: string,
  options: ManifestSetOptions & {
    branch?: string;
    path?: string;
    timeoutMs?: number;
  } = {},
): MetadataSource {
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
      const env = {
        ...process.env,
        GIT_TERMINAL_PROMPT: "0",
        GIT_ALLOW_PROTOCOL: "https:ssh:file",
        GIT_CONFIG_NOSYSTEM: "1",
      };
      const git = (args: string[], cwd?: string) =>
        run("git", args, {
          env,
          timeout: options.timeoutMs ?? 60_000,
          maxBuffer: 1 << 20,
          ...(cwd ? { cwd } : {}),
        });
      const branch = options.branch ? ["--branch", options.branch] : [];
      try {
        if (
          await stat(join(dir, ".git")).then(
            () => true,
            () => false,
          )
        ) {
          await git(["fetch", "--depth", "1", "origin", options.branch ?? "HEAD"], dir);
          await git(["reset", "--hard", "--quiet", "FETCH_HEAD"], dir);
        } else {
          await rm(dir, { recursive: true, force: true });
          await mkdir(join(cacheDir, "git"), { recursive: true });
          await git(["clone", "--quiet", "--depth", "1", "--no-tags", ...branch, "--", url, dir]);
        }
      } catch (error) {
        throw new RunnerError(
          "DISCOVERY_SOURCE_UNREACHABLE",
          `git source ${url}: ${((error as { stderr?: string }).stderr ?? (error as Error).message).trim()}`,
          { source: "git", location: url },
        );
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
