import { spawn } from "node:child_process";
import { RunnerError } from "../errors.ts";

/**
 * Runs one manifest-provided command (install_script, pre_install_checks, post_install_steps),
 * which only happens with --allow-scripts: /bin/sh in the plugin's folder, a clean environment
 * (PATH and HOME only, no secrets of the caller) and a timeout.
 */
export function runScript(command: string, cwd: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", command], {
      cwd,
      env: { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: cwd, LANG: "C" },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: timeoutMs,
      killSignal: "SIGKILL",
    });
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-2000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", (error) => reject(new RunnerError("SCRIPT_FAILED", error.message, { command })));
    child.on("close", (code, signal) => {
      if (code === 0) return resolve();
      reject(
        new RunnerError(
          "SCRIPT_FAILED",
          `${JSON.stringify(command)} ${signal ? `was killed (${signal}, timeout ${timeoutMs} ms)` : `exited ${code}`}`,
          { command, exit_code: code, output },
        ),
      );
    });
  });
}
