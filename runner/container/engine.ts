/**
 * The container engine adapter: finds `podman` or `docker` (or the one `--container-engine`
 * names) and runs it with execFile, never through a shell, with argument lists from
 * core/oci/engine-args.ts only.
 */
import { execFile } from "node:child_process";
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { basename, delimiter, isAbsolute, join } from "node:path";
import type { ContainerEngine } from "../../core/oci/engine.types.ts";
import { RunnerError } from "../errors.ts";

const KINDS = ["podman", "docker"] as const;

async function executable(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return false;
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

async function onPath(command: string, path: string | undefined): Promise<string | undefined> {
  for (const dir of (path ?? "").split(delimiter)) {
    if (dir && isAbsolute(dir) && (await executable(join(dir, command)))) return join(dir, command);
  }
  return undefined;
}

/** Whether the engine at `path` answers `version` within a few seconds (its service is up). */
function answers(path: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(path, ["version"], { timeout: 5_000, env: { ...process.env, ...env } }, (error) =>
      resolve(!error),
    );
  });
}

/**
 * The engine to use: `choice` as a name (`podman`, `docker`, looked up on PATH) or an absolute
 * path to one; without a choice, the first of podman and docker on PATH that answers `version`
 * (a docker client without a running daemon is not an engine); undefined when there is none (the
 * built-in pull then stays the behaviour). A named engine that is absent is USAGE.
 */
export async function findContainerEngine(
  choice: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ContainerEngine | undefined> {
  if (choice === undefined) {
    for (const kind of KINDS) {
      const path = await onPath(kind, env.PATH);
      if (path && (await answers(path, env))) return { kind, path };
    }
    return undefined;
  }
  if (isAbsolute(choice)) {
    if (!(await executable(choice)))
      throw new RunnerError("USAGE", `--container-engine ${choice} is not an executable file`, {
        path: choice,
      });
    return { kind: basename(choice).includes("podman") ? "podman" : "docker", path: choice };
  }
  const kind = KINDS.find((k) => k === choice);
  if (!kind)
    throw new RunnerError("USAGE", `--container-engine takes podman, docker or an absolute path`, {});
  const path = await onPath(kind, env.PATH);
  if (!path) throw new RunnerError("USAGE", `--container-engine ${kind}: no ${kind} on PATH`, { name: kind });
  return { kind, path };
}

/** Runs the engine with `args` (no shell); resolves with its stdout, or CONTAINER_ENGINE_FAILED with its stderr. */
export function runEngine(engine: ContainerEngine, args: string[], timeoutMs = 300_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      engine.path,
      args,
      { timeout: timeoutMs, maxBuffer: 4 << 20, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        reject(
          new RunnerError(
            "CONTAINER_ENGINE_FAILED",
            `${engine.kind} ${args[0] ?? ""} failed: ${(stderr || error.message).trim().slice(-1000)}`,
            { engine: engine.path, command: args.slice(0, 2) },
          ),
        );
      },
    );
  });
}
