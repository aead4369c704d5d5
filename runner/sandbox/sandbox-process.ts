/**
 * Finding and signalling the plugin inside a running sandbox. bubblewrap does not pass signals on:
 * its outer process dies of a SIGTERM and `--die-with-parent` then kills the sandbox with SIGKILL,
 * so the plugin never gets to stop cleanly. Instead, bubblewrap reports its sandbox's first process
 * (`--info-fd`: `{"child-pid": N}`, the sandbox's PID 1, as the host sees it), the plugin is that
 * process's child, and the host signals the plugin itself.
 */
import type { ChildProcess } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";

/** How long a plugin has to stop after SIGTERM (or SIGINT) before SIGKILL: 10 seconds. */
export const STOP_GRACE_MS = 10_000;

/** The sandbox's first process from bubblewrap's `--info-fd` stream; undefined when it never came. */
export function sandboxInit(info: Readable): Promise<number | undefined> {
  return new Promise((resolve) => {
    let text = "";
    info.setEncoding("utf8");
    info.on("data", (chunk: string) => {
      text += chunk;
      const match = /"child-pid"\s*:\s*(\d+)/.exec(text);
      if (match) resolve(Number(match[1]));
    });
    info.once("close", () => resolve(undefined));
    info.once("error", () => resolve(undefined));
  });
}

/** The children of `pid` (from /proc: its `children` list, else every process's parent). */
export async function childrenOf(pid: number): Promise<number[]> {
  const listed = await readFile(`/proc/${pid}/task/${pid}/children`, "utf8").catch(() => undefined);
  if (listed !== undefined) return listed.split(" ").filter(Boolean).map(Number);
  const out: number[] = [];
  for (const entry of await readdir("/proc").catch(() => [])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // Fields after the command's closing parenthesis: state, then the parent's pid.
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (parent === pid) out.push(Number(entry));
  }
  return out;
}

/** The plugin's pid on the host: the sandbox init's child (waits for it to be started), or undefined. */
export async function pluginPid(init: number, gone: () => boolean): Promise<number | undefined> {
  for (let wait = 1; !gone(); wait = Math.min(wait * 2, 20)) {
    const [first] = await childrenOf(init);
    if (first !== undefined) return first;
    await sleep(wait);
  }
  return undefined;
}

/**
 * Sends `signal` to the plugin (`target()` finds it; the outer process when it cannot), then
 * SIGKILL to the outer process after `graceMs`; resolves with the exit status.
 */
export async function terminate(
  child: ChildProcess,
  exited: Promise<number>,
  target: () => Promise<number | undefined>,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<number> {
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  try {
    const pid = await target();
    if (pid === undefined) child.kill(signal);
    else {
      try {
        process.kill(pid, signal);
      } catch {
        // Gone already: the exit status says how it ended.
      }
    }
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}
