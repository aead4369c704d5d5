import { spawn } from "node:child_process";
import { lstat } from "node:fs/promises";
import { join } from "node:path";
import { RunnerError } from "../errors.ts";

/**
 * Runs one manifest-provided command (install_script, pre_install_checks, post_install_steps),
 * which only happens with --allow-scripts: /bin/sh in the plugin's folder, a clean environment
 * (PATH, HOME and LANG, no secrets of the caller, plus the runner's own `extraEnv`: the
 * migration variables of an update) and a timeout.
 */
export function runScript(
  command: string,
  cwd: string,
  timeoutMs: number,
  extraEnv: Record<string, string> = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", command], {
      cwd,
      env: { ...extraEnv, PATH: "/usr/local/bin:/usr/bin:/bin", HOME: cwd, LANG: "C" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group, so a timeout kills what it started too
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-(child.pid ?? 0), "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, timeoutMs);
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-2000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", (error) => reject(new RunnerError("SCRIPT_FAILED", error.message, { command })));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && !timedOut) return resolve();
      reject(
        new RunnerError(
          "SCRIPT_FAILED",
          `${JSON.stringify(command)} ${timedOut || signal ? `was killed (${signal ?? "SIGKILL"}, timeout ${timeoutMs} ms)` : `exited ${code}`}`,
          { command, exit_code: code, output },
        ),
      );
    });
  });
}

/** A step that names a regular file shipped in the plugin folder ("install.sh") runs as `sh ./file`. */
export async function scriptCommand(step: string, dir: string): Promise<string> {
  if (/^[A-Za-z0-9._-]+$/.test(step)) {
    const info = await lstat(join(dir, step)).catch(() => undefined);
    if (info?.isFile()) return `sh ./${step}`;
  }
  return step;
}

/**
 * The variables an update's steps see, so they can migrate what the previous version left (the
 * specification's migration steps: it defines no manifest field of their own, so the new
 * version's install steps are its migration, run under the same `--allow-scripts` consent).
 * Empty on a first install.
 */
export function migrationEnv(
  version: string,
  previous: { version: string; path: string } | undefined,
  configFile: string,
): Record<string, string> {
  if (!previous || previous.version === version) return {};
  return {
    FINFOCUS_PLUGIN_VERSION: version,
    FINFOCUS_PREVIOUS_VERSION: previous.version,
    FINFOCUS_PREVIOUS_PATH: previous.path,
    FINFOCUS_PLUGIN_CONFIG: configFile,
  };
}
